/**
 * `npm run bench:alerts`: one full scheduler tick over 1,000 enabled alerts, all due, against
 * 1,000,000 incidents (claim, match, render, deliver, record, release), on SQLite and, when a
 * server answers, PostgreSQL. Each tick is timed twice per database: delivering to the `.eml`
 * outbox (the notifier without SMTP_HOST) and over SMTP to a local smtp-server running in its own
 * process. Next to it, a naive reference measured in the same run: the prototype's way of
 * evaluating an alert (a scan comparing log timestamps) timed on a few alerts, times 1,000.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

import { sql } from 'kysely'
import pg from 'pg'

import { createAlert } from '../src/alerts/alert-repository.js'
import { startAlertScheduler, type TickSummary } from '../src/alerts/alert-scheduler.js'
import { validateAlertDefinition } from '../src/alerts/validate-alert.js'
import type { SmtpConfig } from '../src/config/config.js'
import { openDatabase, type Database } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'
import { createLogger } from '../src/observability/logger.js'

import { loadAlertBenchData, loadAlertBenchDataPostgres } from './alerts-data.js'
import { reportJson } from './report.js'
import { BENCH_NOW } from './search-data.js'

const INCIDENTS = Number(process.env.BENCH_ALERTS_INCIDENTS ?? 1_000_000)
const PG_INCIDENTS = Number(process.env.BENCH_ALERTS_PG_INCIDENTS ?? INCIDENTS)
const ALERTS = Number(process.env.BENCH_ALERTS_ALERTS ?? 1000)
const RUNS = Number(process.env.BENCH_ALERTS_RUNS ?? 5)
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/alims_bench_alerts'
const TARGET_MS = 2000
const OUT = join(import.meta.dirname, 'out')

/** Representative alert queries: fields, text, phrases, wildcards, negation, OR. */
const QUERIES = [
  '',
  'severity:HIGH',
  'severity:>=MEDIUM status:open',
  'service:billing',
  'service:api*',
  'timed out',
  '"connection pool exhausted"',
  'ECONNREFUSED severity:HIGH',
  'tag:kafka',
  '-status:resolved severity:HIGH',
  'deadlock OR "out of memory"',
  'count:>1000',
  'NullPointerException service:checkout*',
  'source:/var/log/api*',
  'status:open,acknowledged severity:HIGH',
  'certificate expires',
  'queue backlog',
  'disk usage',
  'not found in tenant',
  'HTTP 503',
]
/** How far back each alert's window reaches: its interval in minutes. */
const WINDOWS = [1, 5, 15, 60]

const log = (message: string): void => {
  process.stdout.write(`${message}\n`)
}

async function seedAlerts(database: Database): Promise<void> {
  const existing = await database.db
    .selectFrom('alerts')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst()
  if (Number(existing?.n) === ALERTS) return

  await database.db.deleteFrom('alerts').execute()
  for (let i = 0; i < ALERTS; i += 1) {
    const minutes = WINDOWS[i % WINDOWS.length] ?? 5
    const definition = validateAlertDefinition({
      name: `bench alert ${i}`,
      query: QUERIES[i % QUERIES.length],
      recipients: ['ops@example.com'],
      schedule: { kind: 'interval', minutes },
      maxPerHour: 1000,
    })
    await createAlert(database, definition, BENCH_NOW)
  }
}

/** Puts every alert back to "due now, window of its interval", and forgets earlier runs. */
async function reset(database: Database): Promise<void> {
  await database.db.deleteFrom('alert_history').execute()
  await sql`update alerts set claimed_by = null, claim_expires_at = null, next_run_at = cast(${BENCH_NOW - 1000} as bigint),
    last_triggered_at = cast(${BENCH_NOW} as bigint) - 60000 * (case id % 4 when 1 then 1 when 2 then 5 when 3 then 15 else 60 end)`.execute(
    database.db,
  )
}

interface Tick {
  ms: number
  cpuMs: number
  summary: TickSummary
}

async function tickOnce(database: Database, smtp: SmtpConfig | null): Promise<Tick> {
  await reset(database)
  const dataDir = mkdtempSync(join(tmpdir(), 'alims-bench-alerts-'))
  const scheduler = startAlertScheduler({
    database,
    config: { smtp, dataDir, publicUrl: 'http://localhost:8080' },
    logger: createLogger({ level: 'silent' }),
    clock: () => BENCH_NOW,
    timers: false,
    settleMs: 0,
  })
  const cpu = process.cpuUsage()
  const started = performance.now()
  const summary = await scheduler.tick()
  const ms = performance.now() - started
  const used = process.cpuUsage(cpu)
  await scheduler()
  rmSync(dataDir, { recursive: true, force: true })

  return { ms, cpuMs: (used.user + used.system) / 1000, summary }
}

/** The prototype's evaluation: compare log timestamps in a scan, no index, no state. */
async function naiveOne(database: Database, query: string, minutes: number): Promise<number> {
  const words = query
    .replace(/\w+:\S+/g, '')
    .replace(/["()-]|\bOR\b/g, ' ')
    .trim()
  const started = performance.now()
  await sql`select id, title, severity, count from incidents where last_seen_at + 0 > ${BENCH_NOW - minutes * 60_000} and (title || ' ' || message) like ${`%${words}%`}`.execute(
    database.db,
  )

  return performance.now() - started
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

const fixed = (ms: number): string => ms.toFixed(0)

/** What --json reports: per database, the median tick per delivery and the reference. */
const suites: {
  label: string
  incidents: number
  deliveries: { delivery: string; tickMs: number; cpuMs: number }[]
  referenceMs: number
  medianScanMs: number
}[] = []

/** Starts the SMTP sink process; resolves with its port. */
async function startSink(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'alerts-smtp-sink.ts')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const port = await new Promise<number>((resolve, reject) => {
    lines.once('line', (line) => {
      resolve(Number(line))
    })
    child.once('exit', (code) => {
      reject(new Error(`the SMTP sink exited with ${code}`))
    })
  })

  return { port, child }
}

async function suite(database: Database, label: string, incidents: number): Promise<void> {
  await seedAlerts(database)
  const sink = await startSink()
  const transports: Array<[string, SmtpConfig | null]> = [
    [
      '.eml outbox (the notifier without SMTP_HOST: nodemailer builds each message, one file each in <dataDir>/outbox)',
      null,
    ],
    [
      `SMTP to smtp-server on 127.0.0.1:${sink.port} in another process (plain, pooled: SMTP_MAX_CONNECTIONS=5 connections shared by the emails of the tick)`,
      {
        host: '127.0.0.1',
        port: sink.port,
        user: null,
        password: null,
        from: 'alims@example.com',
        secure: 'none',
        maxConnections: 5,
      },
    ],
  ]

  log('')
  log(
    `alerts bench: ${ALERTS.toLocaleString('en')} enabled alerts, ${incidents.toLocaleString('en')} incidents, ${label}`,
  )
  const reported: (typeof suites)[number] = {
    label,
    incidents,
    deliveries: [],
    referenceMs: NaN,
    medianScanMs: NaN,
  }
  suites.push(reported)
  const only = process.env.BENCH_ALERTS_TRANSPORT // 'outbox' or 'smtp' to time one of them
  try {
    for (const [name, smtp] of transports) {
      if (only !== undefined && only !== (smtp === null ? 'outbox' : 'smtp')) continue

      await tickOnce(database, smtp) // warm-up: caches, prepared plans, the first connection
      const ticks: Tick[] = []
      for (let run = 0; run < RUNS; run += 1) ticks.push(await tickOnce(database, smtp))
      const tick = median(ticks.map((t) => t.ms))
      reported.deliveries.push({
        delivery: smtp === null ? '.eml outbox' : 'SMTP (smtp-server in another process)',
        tickMs: tick,
        cpuMs: median(ticks.map((t) => t.cpuMs)),
      })
      const phase = (key: keyof TickSummary['timings']): string =>
        fixed(median(ticks.map((t) => t.summary.timings[key])))
      log(`  delivery: ${name}`)
      log(`    runs in a tick: ${JSON.stringify(ticks[0]?.summary.statuses ?? {})}`)
      log(
        `    one full scheduler tick (median of ${RUNS}; every tick: ${ticks.map((t) => fixed(t.ms)).join(', ')} ms): ${fixed(tick)} ms wall, ${fixed(median(ticks.map((t) => t.cpuMs)))} ms CPU   [target < ${TARGET_MS} ms: ${tick < TARGET_MS ? 'met' : 'MISSED'}]`,
      )
      log(
        `    phases (medians): claim ${phase('claimMs')} ms · evaluate ${phase('evaluateMs')} ms · record quiet runs ${phase('recordMs')} ms · render, deliver and record emails ${phase('deliverMs')} ms`,
      )
    }
  } finally {
    sink.child.kill('SIGTERM')
  }

  const samples: number[] = []
  for (let i = 0; i < 8; i += 1)
    samples.push(
      await naiveOne(database, QUERIES[(i * 3) % QUERIES.length] ?? '', WINDOWS[i % 4] ?? 5),
    )
  log(
    `  reference, naive scan per alert (prototype style) × ${ALERTS}: ${fixed(median(samples) * ALERTS)} ms (median scan ${median(samples).toFixed(1)} ms)`,
  )
  reported.referenceMs = median(samples) * ALERTS
  reported.medianScanMs = median(samples)
}

async function sqlite(): Promise<void> {
  mkdirSync(OUT, { recursive: true })
  const path = join(OUT, `alerts-${INCIDENTS}.db`)
  const url = `sqlite:${path}`
  let database = openDatabase(url)
  await migrate(database)
  database = await loadAlertBenchData(database, path, INCIDENTS, log, () => openDatabase(url))
  try {
    await suite(database, 'SQLite', INCIDENTS)
  } finally {
    await database.close()
  }
}

async function postgres(): Promise<void> {
  const url = new URL(PG_URL)
  const name = url.pathname.slice(1)
  const admin = new pg.Client({
    connectionString: Object.assign(new URL(PG_URL), { pathname: '/postgres' }).toString(),
    connectionTimeoutMillis: 3000,
  })
  try {
    await admin.connect()
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name])
    if (exists.rowCount === 0) await admin.query(`create database "${name.replace(/"/g, '""')}"`)
  } catch (error) {
    log(`\nPostgreSQL not measured: no server at ${url.host} (${(error as Error).message})`)

    return
  } finally {
    await admin.end().catch(() => undefined)
  }

  const database = openDatabase(url.toString(), { poolSize: 8 })
  try {
    await migrate(database)
    await loadAlertBenchDataPostgres(database, PG_INCIDENTS, (m) => {
      log(`postgres: ${m}`)
    })
    await suite(database, 'PostgreSQL', PG_INCIDENTS)
  } finally {
    await database.close()
  }
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
log(
  `load average at start: ${load()} (${process.env.npm_lifecycle_event ?? 'tsx bench/alerts.ts'})`,
)
if (process.env.BENCH_ALERTS_SKIP_SQLITE !== '1') await sqlite()
if (process.env.BENCH_ALERTS_SKIP_PG !== '1') await postgres()
log(`load average at the end: ${load()}`)
reportJson('alerts', { alerts: ALERTS, runs: RUNS, targetMs: TARGET_MS, suites })
