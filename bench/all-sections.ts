// The benches `npm run bench` runs, in order, and how each one's JSON line becomes a section of
// docs/benchmarks.md. The shapes below are what each bench prints with --json.
import type { GroupingResult } from './grouping.js'
import type { RereadResult } from './prototype-reread.js'
import { runScript } from './run-script.js'

/** One bench: its script, how to reproduce it, and how its figures read in Markdown. */
export interface Section {
  name: string
  /** The `bench` field of the script's JSON line. */
  report: string
  script: string
  args: string[]
  command: string
  /** Further measurements that need the bench's report (the prototype's pass over its file). */
  extra?: (report: unknown) => Promise<unknown>
  render(report: unknown, extra: unknown): string
}

interface Measurement {
  name: string
  lines: number
  seconds: number
  cpuSeconds: number | null
  maxRssBytes: number | null
}

interface IngestReport {
  file: string
  lines: number
  bytes: number
  runs: number
  rows: Measurement[]
}

interface WorkersReport {
  lines: number
  files: number
  hosts: number
  grepSeconds: number
  rows: {
    workers: number
    lines: number
    seconds: number
    workerCpuSeconds: number
    incidents: number
  }[]
}

interface GroupingReport {
  events: number
  lines: number
  formats: number
  results: GroupingResult[]
}

interface Percentiles {
  p50: number
  p99: number
  max: number
}

interface LatencyReport {
  appends: number
  reference: Percentiles
  alims: Percentiles
  targetP99Ms: number
}

interface SearchReport {
  runs: number
  suites: {
    label: string
    incidents: number
    rows: { name: string; p50: number; p95: number; found: number | null; target: number | null }[]
  }[]
}

interface AlertsReport {
  alerts: number
  runs: number
  targetMs: number
  suites: {
    label: string
    incidents: number
    deliveries: { delivery: string; tickMs: number; cpuMs: number }[]
    referenceMs: number
    medianScanMs: number
  }[]
}

const n = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      })
    : '–'
const mb = (bytes: number | null): string => (bytes === null ? '–' : `${n(bytes / 1e6)} MB`)
const table = (header: string[], rows: string[][]): string =>
  [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n')

/** Runs the prototype's approach over the ingest bench's file, best of the same runs. */
async function prototypePass(report: unknown): Promise<RereadResult> {
  const { file, runs } = report as IngestReport
  let best: RereadResult | null = null
  for (let i = 0; i < runs; i += 1) {
    const stdout = await runScript('bench/prototype-reread.ts', [file])
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as RereadResult
    if (best === null || result.seconds < best.seconds) best = result
  }
  if (best === null) throw new Error('no run of the prototype pass')

  return best
}

function renderIngest(raw: unknown, extra: unknown): string {
  const report = raw as IngestReport
  const prototype = extra as RereadResult
  const [grep, ...ours] = report.rows
  if (grep === undefined) throw new Error('the ingest bench reported no grep row')

  const reference: Measurement = {
    name: "the prototype's approach (reference): read the whole file, hash every line",
    lines: prototype.lines,
    seconds: prototype.seconds,
    cpuSeconds: prototype.cpuSeconds,
    maxRssBytes: prototype.maxRssBytes,
  }
  const row = (m: Measurement): string[] => [
    m.name,
    n(m.lines / m.seconds),
    n(grep.seconds / m.seconds, 3),
    m.cpuSeconds === null || grep.cpuSeconds === null ? '–' : n(grep.cpuSeconds / m.cpuSeconds, 3),
    n(m.seconds, 3),
    m.cpuSeconds === null ? '–' : n(m.cpuSeconds, 3),
    mb(m.maxRssBytes),
  ]

  return [
    '## Ingest',
    '',
    `One generated file of ${n(report.lines)} mixed lines (${n(report.bytes / 1e6, 1)} MB: JSON, logfmt,`,
    'Java and Python layouts, plain text and access logs, about 2 % errors with stack traces).',
    `Each row runs in its own process; best of ${report.runs} runs. *vs grep* is the rate relative to`,
    '`grep -cE` of the usual error words on the same file, by wall time and by CPU time (the',
    'second is steadier on a shared machine).',
    '',
    table(
      ['what', 'lines/s', 'vs grep', 'vs grep (CPU)', 'wall s', 'CPU s', 'max RSS'],
      [row(grep), row(reference), ...ours.map(row)],
    ),
    '',
    'The prototype read the whole file again every 5 s and kept the hash of every line it had seen,',
    'looking for error words only in unseen lines. Its row is the first pass, when every line is',
    `new; a second pass over the unchanged file took ${n(prototype.repeatSeconds, 3)} s, which it paid`,
    'every 5 s for as long as the file lived, and its memory grew with every distinct line.',
    'alims reads each byte once and keeps a checkpoint (offset and file identity) instead.',
    ...(ours.some((m) => m.name.startsWith('syslog-ng'))
      ? [
          '',
          "The syslog-ng row is Debian's `syslog-ng-core`, unpacked with `dpkg -x` into bench/out",
          '(where `apt-get download` can fetch it), reading the file from a pipe, joining indented',
          'lines to the line before and writing what three level filters match to files: a real log',
          'processor doing less than alims does (no parsing into fields, no grouping, no database).',
        ]
      : []),
  ].join('\n')
}

function renderWorkers(raw: unknown): string {
  const report = raw as WorkersReport
  const single = report.rows.find((r) => r.workers === 1) ?? report.rows[0]
  const rows = report.rows.map((r) => [
    `${r.workers} \`alims worker\` process${r.workers === 1 ? '' : 'es'} → PostgreSQL`,
    n(r.lines / r.seconds),
    single === undefined ? '–' : n(single.seconds / r.seconds, 2),
    n(report.grepSeconds / r.seconds, 3),
    n(r.seconds, 2),
    n(r.workerCpuSeconds, 1),
    n(r.incidents),
  ])

  return [
    '## Ingest on PostgreSQL with 1, 2 and 4 workers',
    '',
    `${n(report.lines)} generated mixed lines in ${report.files} files on ${report.hosts} hosts (a folder`,
    'each, different content per file). Each worker watches the folders of its own hosts; all',
    'store into one fresh PostgreSQL schema. Timed from the moment the files appear in the watched',
    "folders until every file's committed checkpoint is at its end: the whole pipeline, each batch",
    'stored with its checkpoint in one transaction. *Speed-up* is over one worker; *incidents*',
    'must be equal in every row (the same errors, grouped the same way whichever worker read them).',
    '',
    table(
      ['what', 'lines/s', 'speed-up', 'vs grep', 'wall s', 'worker CPU s', 'incidents'],
      [
        [
          '`grep -cE` over the same files (reference)',
          n(report.lines / report.grepSeconds),
          '–',
          '1.000',
          n(report.grepSeconds, 2),
          '–',
          '–',
        ],
        ...rows,
      ],
    ),
    '',
    'The *worker CPU s* column is the CPU the workers spent on the same lines: when it grows with',
    'the number of workers, the extra workers cost work (waiting on and retrying the same incident',
    "rows: every host here logs the same errors) rather than only sharing the machine's cores with",
    'PostgreSQL and other work. Workers on separate hosts are not measured here.',
  ].join('\n')
}

function renderGrouping(raw: unknown): string {
  const report = raw as GroupingReport
  const rows = report.results.map((r) => [
    r.name,
    r.input,
    r.accuracy === null ? '–' : r.accuracy.toFixed(4),
    r.groups === null ? '–' : String(r.groups),
    n(r.linesPerSecond),
    n(r.linesPerCpuSecond),
  ])

  return [
    '## Grouping',
    '',
    `A labelled corpus of ${n(report.events)} events (${n(report.lines)} lines, ${report.formats} formats).`,
    '*Accuracy* is the share of events whose group holds exactly the events of their label in',
    'their service (target ≥ 0.95); the two *reference* rows are naive keys measured in the same run.',
    '',
    table(['grouping', 'input', 'accuracy', 'groups', 'lines/s', 'lines/CPU-s'], rows),
  ].join('\n')
}

function renderLatency(raw: unknown): string {
  const report = raw as LatencyReport
  const row = (name: string, p: Percentiles): string[] => [
    name,
    `${n(p.p50, 1)} ms`,
    `${n(p.p99, 1)} ms`,
    `${n(p.max, 1)} ms`,
  ]

  return [
    '## Latency',
    '',
    `From an error line appended to a watched file to the event on \`GET /api/v1/stream\`, over`,
    `${report.appends} appends; a worker and a web process on one SQLite database (target p99 <`,
    `${report.targetP99Ms} ms). The prototype polled every 5 s: 2.5 s on average, 5 s at worst, plus its pass over the file.`,
    '',
    table(
      ['what', 'p50', 'p99', 'max'],
      [
        row('`tail -F FILE | grep --line-buffered` (reference)', report.reference),
        row('alims: file → worker → database → web → SSE', report.alims),
      ],
    ),
  ].join('\n')
}

function renderSearch(raw: unknown): string {
  const report = raw as SearchReport
  const parts = ['## Search', '']
  parts.push(
    `Search and stats over generated incidents (five stored samples each), ${report.runs} timed runs`,
    'per row after two warm-up runs; the *reference* rows are a plain `LIKE` scan, as the',
    'prototype searched, measured in the same run.',
  )
  for (const suite of report.suites) {
    parts.push('', `### ${suite.label}: ${n(suite.incidents)} incidents`, '')
    parts.push(
      table(
        ['measurement', 'p50 ms', 'p95 ms', 'rows', 'target p95'],
        suite.rows.map((r) => [
          r.name,
          n(r.p50, 1),
          n(r.p95, 1),
          r.found === null ? '' : String(r.found),
          r.target === null
            ? 'reference'
            : `< ${r.target} ms: ${r.p95 < r.target ? 'met' : 'not met'}`,
        ]),
      ),
    )
  }

  return parts.join('\n')
}

function renderAlerts(raw: unknown): string {
  const report = raw as AlertsReport
  const parts = ['## Alerts', '']
  parts.push(
    `One full scheduler tick over ${n(report.alerts)} enabled alerts, all due (claim, match, render,`,
    `deliver, record, release), median of ${report.runs} ticks after a warm-up, target < ${n(report.targetMs)} ms. The`,
    "reference is the prototype's evaluation, a scan comparing timestamps, timed on a few alerts",
    `and multiplied by ${n(report.alerts)}.`,
  )
  for (const suite of report.suites) {
    parts.push('', `### ${suite.label}: ${n(suite.incidents)} incidents`, '')
    parts.push(
      table(
        ['what', 'tick ms', 'CPU ms', 'vs reference'],
        [
          ...suite.deliveries.map((d) => [
            `tick, delivery: ${d.delivery}`,
            n(d.tickMs),
            n(d.cpuMs),
            `${n((d.tickMs / suite.referenceMs) * 100, 1)} %`,
          ]),
          [
            `naive scan per alert × ${n(report.alerts)} (reference)`,
            n(suite.referenceMs),
            '–',
            '100 %',
          ],
        ],
      ),
    )
  }

  return parts.join('\n')
}

/** The benches in the order they run. */
export const SECTIONS: Section[] = [
  {
    name: 'ingest',
    report: 'ingest',
    script: 'bench/ingest.ts',
    args: [],
    command: 'npm run bench:ingest',
    extra: prototypePass,
    render: renderIngest,
  },
  {
    name: 'workers',
    report: 'ingest-workers',
    script: 'bench/ingest-workers.ts',
    args: [],
    command: 'npm run bench:workers',
    render: renderWorkers,
  },
  {
    name: 'grouping',
    report: 'grouping',
    script: 'bench/grouping.ts',
    args: [],
    command: 'npm run bench:grouping',
    render: renderGrouping,
  },
  {
    name: 'latency',
    report: 'latency',
    script: 'bench/latency.ts',
    args: [],
    command: 'npm run bench:latency',
    render: renderLatency,
  },
  {
    name: 'search',
    report: 'search',
    script: 'bench/search.ts',
    args: [],
    command: 'npm run bench:search',
    render: renderSearch,
  },
  {
    name: 'alerts',
    report: 'alerts',
    script: 'bench/alerts.ts',
    args: [],
    command: 'npm run bench:alerts',
    render: renderAlerts,
  },
]
