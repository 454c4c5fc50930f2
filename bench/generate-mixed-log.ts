// Writes a mixed log like the ones alims watches: JSON (pino, winston, ECS), logfmt, Java/Python
// layouts, plain text and access logs, with about 2 % error events that carry stack traces.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { pathToFileURL } from 'node:url'

/** A small deterministic generator (mulberry32), so every run writes the same file. */
function random(seed: number): () => number {
  let state = seed >>> 0

  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)

    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SERVICES = ['checkout', 'billing', 'inventory', 'auth', 'search', 'shipping']
const PATHS = ['/api/v1/orders', '/api/v1/cart', '/health', '/api/v1/users/me', '/static/app.js']
const INFO = [
  'request completed',
  'cache refreshed for tenant',
  'order placed for customer',
  'session renewed',
  'scheduled job finished',
]
const WARN = ['slow query took', 'retrying upstream call', 'pool nearly exhausted, in use']
const ERRORS = ['payment provider timeout after', 'failed to write invoice', 'connection refused']

const JAVA_TRACE = [
  'java.net.SocketTimeoutException: Read timed out',
  '\tat java.base/java.net.SocketInputStream.socketRead0(Native Method)',
  '\tat com.acme.billing.GatewayClient.charge(GatewayClient.java:118)',
  '\tat com.acme.billing.InvoiceService.settle(InvoiceService.java:64)',
  'Caused by: java.io.IOException: connection reset by peer',
  '\t... 12 more',
]
const PYTHON_TRACE = [
  'Traceback (most recent call last):',
  '  File "/srv/app/worker.py", line 88, in handle',
  '    result = client.fetch(order_id)',
  '  File "/srv/app/client.py", line 41, in fetch',
  '    raise TimeoutError(f"upstream timed out after {limit}s")',
  'TimeoutError: upstream timed out after 30s',
]
const NODE_TRACE = [
  'Error: connect ECONNREFUSED 10.0.4.12:5432',
  '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)',
  '    at Pool.connect (/srv/app/node_modules/pg-pool/index.js:45:11)',
  '    at async OrderRepository.save (/srv/app/dist/orders.js:77:5)',
]

/** What was written: lines and bytes. */
export interface Generated {
  lines: number
  bytes: number
}

/** Writes `lineCount` lines to `path` (about 90 bytes each); deterministic for a given seed. */
export function generateMixedLog(path: string, lineCount: number, seed = 42): Generated {
  mkdirSync(dirname(path), { recursive: true })
  const next = random(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  const fd = openSync(path, 'w')
  let chunk: string[] = []
  let lines = 0
  let bytes = 0
  let time = Date.UTC(2024, 11, 3, 8, 0, 0)
  const emit = (line: string): void => {
    chunk.push(line)
    lines++
    if (chunk.length >= 4096) flush()
  }
  const flush = (): void => {
    const text = chunk.join('\n') + '\n'
    bytes += Buffer.byteLength(text)
    writeSync(fd, text)
    chunk = []
  }

  while (lines < lineCount) {
    time += Math.floor(next() * 40)
    const iso = new Date(time).toISOString()
    const service = pick(SERVICES)
    const roll = next()
    const id = Math.floor(next() * 100000)
    if (roll < 0.02) {
      const trace = pick([JAVA_TRACE, PYTHON_TRACE, NODE_TRACE])
      const head = `${iso.replace('T', ' ').replace('Z', '')} ERROR [pool-${id % 8}] ${service} - ${pick(ERRORS)} ${id}`
      for (const line of [head, ...trace]) if (lines < lineCount) emit(line)
      continue
    }

    const level = roll < 0.1 ? 'warn' : roll < 0.14 ? 'debug' : 'info'
    const message = `${pick(level === 'warn' ? WARN : INFO)} ${id}`
    const kind = next()
    if (kind < 0.3) {
      const pino = level === 'warn' ? 40 : level === 'debug' ? 20 : 30
      emit(`{"level":${pino},"time":${time},"pid":81,"service":"${service}","msg":"${message}"}`)
    } else if (kind < 0.5) {
      emit(`ts=${iso} level=${level} service=${service} msg="${message}" took=${id % 900}ms`)
    } else if (kind < 0.65) {
      const upper = level.toUpperCase().padEnd(5)
      emit(`${iso.replace('T', ' ').replace('Z', '')} ${upper} [main] ${service} - ${message}`)
    } else if (kind < 0.75) {
      const word = level === 'warn' ? 'WARNING: ' : level === 'debug' ? 'debug: ' : ''
      emit(`${service}[${id % 997}]: ${word}${message} (worker ${id % 16}, attempt ${id % 3})`)
    } else {
      const status = roll < 0.1 ? 404 : roll < 0.11 ? 502 : 200
      const date = `03/Dec/2024:${iso.slice(11, 19)} +0000`
      emit(
        `10.0.${id % 250}.${id % 200} - - [${date}] "GET ${pick(PATHS)} HTTP/1.1" ${status} ${id} "-" "curl/8.5"`,
      )
    }
  }
  flush()
  closeSync(fd)

  return { lines, bytes }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const path = process.argv[2] ?? 'bench/out/mixed.log'
  const count = Number(process.argv[3] ?? 1_000_000)
  const { lines, bytes } = generateMixedLog(path, count)
  process.stdout.write(`wrote ${lines} lines, ${(bytes / 1e6).toFixed(1)} MB to ${path}\n`)
}
