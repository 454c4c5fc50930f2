import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { syslogLine, time, WRAPPERS, type Line } from './formats.js'
import { MESSAGES, SYSLOG_MESSAGES } from './messages.js'
import { Random } from './random.js'
import { TRACES } from './traces.js'

/** One labelled event of the corpus: `label` names the message it is an instance of. */
export interface CorpusRecord {
  format: string
  label: string
  level: string
  raw: string
  message: string
}

const LINE_FORMATS = ['json', 'logfmt', 'log4j', 'python', 'plain'] as const

interface AccessKind {
  label: string
  request: (r: Random) => [string, string, number]
}

const ACCESS: readonly AccessKind[] = [
  { label: 'get-user-200', request: (r) => ['GET', `/api/users/${r.int(1, 99999)}`, 200] },
  { label: 'get-user-404', request: (r) => ['GET', `/api/users/${r.int(1, 99999)}`, 404] },
  { label: 'get-order-500', request: (r) => ['GET', `/api/orders/${r.int(1, 99999)}`, 500] },
  { label: 'post-order-503', request: () => ['POST', '/api/orders', 503] },
  { label: 'static', request: (r) => ['GET', `/static/app.${r.hex(8)}.js`, 200] },
  {
    label: 'search',
    request: (r) => [
      'GET',
      `/api/search?q=${r.pick(['shoes', 'red+hat', 'tv'])}&page=${r.int(1, 9)}`,
      200,
    ],
  },
  { label: 'logout', request: (r) => ['DELETE', `/api/sessions/${r.uuid()}`, 204] },
  { label: 'health', request: () => ['GET', '/healthz', 200] },
]

const AGENTS = [
  'curl/8.5.0',
  'Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0',
  'kube-probe/1.29',
  'Go-http-client/1.1',
]

function accessLine(r: Random, kind: AccessKind): Line {
  const [method, path, status] = kind.request(r)
  const user = r.next() < 0.8 ? '-' : `u${r.int(1, 500)}`
  const referer = r.next() < 0.5 ? '-' : `https://shop.example.com/p/${r.int(1, 999)}`
  const raw = `${r.ip()} - ${user} [${time.clf(r.time())}] "${method} ${path} HTTP/1.1" ${status} ${r.int(0, 90000)} "${referer}" "${r.pick(AGENTS)}"`

  return { raw, message: `${method} ${path} ${status}` }
}

// Each line format carries its own subset of the shared messages, about a third of them.
function kindsOf(formatIndex: number): typeof MESSAGES {
  return MESSAGES.filter((_, k) => (k * 7 + formatIndex) % 3 === 0 || k < 4)
}

/** Builds the corpus: `perFormat` events for each of the 10 formats, the same for a seed. */
export function generateCorpus(seed = 20260101, perFormat = 400): CorpusRecord[] {
  const r = new Random(seed)
  const out: CorpusRecord[] = []
  LINE_FORMATS.forEach((format, index) => {
    const kinds = kindsOf(index)
    for (let i = 0; i < perFormat; i++) {
      const kind = r.pick(kinds)
      const line = (WRAPPERS[format] ?? WRAPPERS.plain!)(r, kind.label, kind.level, kind.text(r))
      out.push({ format, label: `${format}:${kind.label}`, level: kind.level, ...line })
    }
  })

  for (const format of ['syslog', 'rfc5424'] as const) {
    for (let i = 0; i < perFormat; i++) {
      const kind = r.pick(SYSLOG_MESSAGES)
      const line = syslogLine(r, kind.program, kind.text(r), format === 'rfc5424')
      out.push({ format, label: `${format}:${kind.label}`, level: kind.level, ...line })
    }
  }

  for (let i = 0; i < perFormat; i++) {
    const kind = r.pick(ACCESS)
    out.push({
      format: 'access',
      label: `access:${kind.label}`,
      level: 'info',
      ...accessLine(r, kind),
    })
  }

  for (let i = 0; i < perFormat; i++) {
    const kind = r.pick(TRACES)
    const raw = kind.text(r)
    out.push({
      format: kind.format,
      label: `${kind.format}:${kind.label}`,
      level: 'error',
      raw,
      message: raw.split('\n')[0] ?? '',
    })
  }

  return out
}

// `tsx bench/corpus/grouping/generate.ts` writes the corpus to bench/out as JSON lines.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = fileURLToPath(new URL('../../out/', import.meta.url))
  mkdirSync(dir, { recursive: true })
  const file = `${dir}grouping-corpus.jsonl`
  const records = generateCorpus()
  writeFileSync(file, records.map((record) => JSON.stringify(record)).join('\n') + '\n')
  process.stdout.write(`wrote ${records.length} events to ${file}\n`)
}
