/**
 * `npm run bench:alerts`: one full scheduler tick over 1,000 enabled alerts, all due, against
 * 1,000,000 incidents in SQLite (claim, match, render, write the .eml outbox, record, release),
 * next to a naive reference measured in the same run: the prototype's way of evaluating an
 * alert (a scan comparing log timestamps) timed on a few alerts and multiplied by 1,000.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { sql } from 'kysely'

import { createAlert } from '../src/alerts/alert-repository.js'
import { startAlertScheduler, type TickSummary } from '../src/alerts/alert-scheduler.js'
import { searchMatcher, type IncidentMatcher } from '../src/alerts/match-incidents.js'
import { validateAlertDefinition } from '../src/alerts/validate-alert.js'
import { openDatabase, type Database } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'
import { createLogger } from '../src/observability/logger.js'

import { loadAlertBenchData } from './alerts-data.js'
import { BENCH_NOW } from './search-data.js'

const INCIDENTS = Number(process.env.BENCH_ALERTS_INCIDENTS ?? 1_000_000)
const ALERTS = Number(process.env.BENCH_ALERTS_ALERTS ?? 1000)
const RUNS = Number(process.env.BENCH_ALERTS_RUNS ?? 1)
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
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst()
  if (existing?.n === ALERTS) return

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
  await sql`update alerts set claimed_by = null, claim_expires_at = null, next_run_at = ${BENCH_NOW - 1000},
    last_triggered_at = ${BENCH_NOW} - 60000 * (case id % 4 when 1 then 1 when 2 then 5 when 3 then 15 else 60 end)`.execute(
    database.db,
  )
}

/** Time spent in the search, split by whether the alert's query has free text. */
interface SearchTimes {
  text: number
  textAlerts: number
  fields: number
  fieldAlerts: number
}

function timedMatcher(database: Database, times: SearchTimes): IncidentMatcher {
  const inner = searchMatcher(database)

  return async (query, from, to, limit) => {
    const started = performance.now()
    const result = await inner(query, from, to, limit)
    const ms = performance.now() - started
    const terms = query
      .replace(/-?\w+:\S+/g, '')
      .replace(/\bOR\b|[()]/g, '')
      .trim()
    if (terms === '') {
      times.fields += ms
      times.fieldAlerts += 1
    } else {
      times.text += ms
      times.textAlerts += 1
    }

    return result
  }
}

async function tickOnce(
  database: Database,
  outbox: string,
  times: SearchTimes,
): Promise<{ ms: number; summary: TickSummary }> {
  await reset(database)
  const scheduler = startAlertScheduler({
    database,
    config: { smtp: null, dataDir: outbox, publicUrl: 'http://localhost:8080' },
    logger: createLogger({ level: 'silent' }),
    clock: () => BENCH_NOW,
    timers: false,
    settleMs: 0,
    matcher: timedMatcher(database, times),
  })
  const started = performance.now()
  const summary = await scheduler.tick()
  const ms = performance.now() - started
  await scheduler()

  return { ms, summary }
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

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true })
  const path = join(OUT, `alerts-${INCIDENTS}.db`)
  const url = `sqlite:${path}`
  let database = openDatabase(url)
  await migrate(database)
  database = await loadAlertBenchData(database, path, INCIDENTS, log, () => openDatabase(url))
  await seedAlerts(database)

  const outbox = mkdtempSync(join(tmpdir(), 'alims-bench-alerts-'))
  const ticks: number[] = []
  let summary: TickSummary | null = null
  const times: SearchTimes = { text: 0, textAlerts: 0, fields: 0, fieldAlerts: 0 }
  for (let run = 0; run < RUNS; run += 1) {
    const result = await tickOnce(database, outbox, times)
    ticks.push(result.ms)
    summary = result.summary
    rmSync(join(outbox, 'outbox'), { recursive: true, force: true })
  }
  rmSync(outbox, { recursive: true, force: true })

  const samples: number[] = []
  for (let i = 0; i < 8; i += 1)
    samples.push(
      await naiveOne(database, QUERIES[(i * 3) % QUERIES.length] ?? '', WINDOWS[i % 4] ?? 5),
    )
  const naive = median(samples) * ALERTS

  const tick = median(ticks)
  log('')
  log(
    `alerts bench: ${ALERTS.toLocaleString('en')} enabled alerts, ${INCIDENTS.toLocaleString('en')} incidents, SQLite`,
  )
  log(`  runs in the timed tick: ${JSON.stringify(summary?.statuses ?? {})}`)
  log(
    `  one full scheduler tick (median of ${RUNS}, cold start: claims, runs and records every alert): ${tick.toFixed(0)} ms   [target < ${TARGET_MS} ms: ${tick < TARGET_MS ? 'met' : 'MISSED'}]`,
  )
  log(
    `    per alert: ${(tick / ALERTS).toFixed(2)} ms (claim, match, render, outbox file, record, release)`,
  )
  log(
    `    of which search, field-only queries: ${(times.fields / RUNS).toFixed(0)} ms over ${times.fieldAlerts / RUNS} alerts; with free text: ${(times.text / RUNS).toFixed(0)} ms over ${times.textAlerts / RUNS} alerts`,
  )
  log(
    `  reference, naive scan per alert (prototype style) × ${ALERTS}: ${naive.toFixed(0)} ms (median scan ${median(samples).toFixed(1)} ms)`,
  )
  log(`  ratio: the tick takes ${((tick / naive) * 100).toFixed(1)} % of the naive reference`)
  await database.close()
}

await main()
