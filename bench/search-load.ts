import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'

import type { Database } from '../src/db/database.js'
import {
  createSearchTriggers,
  dropSearchTriggers,
  rebuildSearchIndex,
} from '../src/db/migrations/003-search.js'

import { BENCH_NOW, generate, type BenchIncident } from './search-data.js'

const CHUNK = 1000
/** Bump when the generated data or the search index changes, so cached databases are rebuilt. */
const DATA_VERSION = 2

type Progress = (message: string) => void

/** True when an earlier run generated this many incidents with the current generator. */
export async function isLoaded(db: Kysely<unknown>, incidents: number): Promise<boolean> {
  await sql`create table if not exists bench_meta (incidents integer not null, done integer not null, version integer not null)`.execute(
    db,
  )
  const row = await sql<{
    incidents: number
    done: number
    version: number
  }>`select incidents, done, version from bench_meta`.execute(db)

  const meta = row.rows[0]

  return (
    Number(meta?.incidents) === incidents &&
    Number(meta?.done) === 1 &&
    Number(meta?.version) === DATA_VERSION
  )
}

function rows(from: number, to: number) {
  const incidents: BenchIncident[] = []
  const samples = []
  const minutes = []
  for (let id = from; id <= to; id += 1) {
    const g = generate(id)
    incidents.push(g.incident)
    samples.push(...g.samples)
    minutes.push(...g.minutes)
  }

  return { incidents, samples, minutes }
}

function incidentValues(i: BenchIncident): unknown[] {
  return [
    i.id,
    i.fingerprint,
    i.status,
    i.severity,
    i.title,
    i.message,
    i.template,
    i.service,
    i.source,
    i.tags,
    i.first,
    i.last,
    i.first,
    i.last,
    i.last,
    i.count,
    i.ticketState,
    i.ticketNumber,
    i.ticketNumber === null ? null : `sys${i.id}`,
    i.ticketState === 'failed' ? 'HTTP 503' : null,
  ]
}

const INCIDENT_COLUMNS =
  'id, fingerprint, status, severity, title, message, template, service, source, tags, first_seen_at, last_seen_at, created_at, activity_at, updated_at, count, ticket_state, ticket_number, ticket_sys_id, ticket_error'
const SAMPLE_COLUMNS =
  'incident_id, kind, at, received_at, source, "offset", level, message, raw, fields'

function sampleValues(e: ReturnType<typeof generate>['samples'][number]): unknown[] {
  const message = e.raw.slice(e.raw.indexOf(']') + 2)

  return [
    e.incidentId,
    e.kind,
    e.at,
    e.at,
    '/var/log/bench.log',
    e.offset,
    'error',
    message,
    e.raw,
    '{}',
  ]
}

/** SQLite: prepared statements in large transactions, straight through better-sqlite3. */
function loadSqliteRows(path: string, count: number, progress: Progress): void {
  const handle = new BetterSqlite3(path)
  handle.pragma('synchronous = OFF')
  handle.pragma('cache_size = -400000')
  const incident = handle.prepare(
    `insert into incidents (${INCIDENT_COLUMNS}) values (${Array(20).fill('?').join(', ')})`,
  )
  const sample = handle.prepare(
    `insert into incident_events (${SAMPLE_COLUMNS}) values (${Array(10).fill('?').join(', ')})`,
  )
  const minute = handle.prepare(
    'insert into incident_minutes (incident_id, minute, count) values (?, ?, ?)',
  )
  const insertChunk = handle.transaction((from: number, to: number) => {
    const chunk = rows(from, to)
    for (const i of chunk.incidents) incident.run(incidentValues(i))
    for (const e of chunk.samples) sample.run(sampleValues(e))
    for (const m of chunk.minutes) minute.run(m.incidentId, m.minute, m.count)
  })
  const step = CHUNK * 20
  for (let from = 1; from <= count; from += step) {
    insertChunk(from, Math.min(count, from + step - 1))
    if ((from - 1) % 100_000 === 0)
      progress(`generated ${(from - 1).toLocaleString('en')} incidents`)
  }
  handle.close()
}

/** Builds the index through a connection with a large page cache (the default one thrashes). */
async function indexSqlite(path: string): Promise<void> {
  const handle = new BetterSqlite3(path)
  handle.pragma('synchronous = OFF')
  handle.pragma('cache_size = -1000000')
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: handle }) })
  await rebuildSearchIndex(db, 'sqlite')
  await createSearchTriggers(db, 'sqlite')
  await db.destroy()
}

/** PostgreSQL: one multi-row insert per table per chunk of a thousand incidents. */
async function loadPostgresRows(
  database: Database,
  count: number,
  progress: Progress,
): Promise<void> {
  for (let from = 1; from <= count; from += CHUNK) {
    const chunk = rows(from, Math.min(count, from + CHUNK - 1))
    await database.transaction(async (tx) => {
      const t = tx as unknown as Kysely<unknown>
      const tuples = (values: unknown[][]) => sql.join(values.map((v) => sql`(${sql.join(v)})`))
      await sql`insert into incidents (${sql.raw(INCIDENT_COLUMNS)}) values ${tuples(chunk.incidents.map(incidentValues))}`.execute(
        t,
      )
      for (let s = 0; s < chunk.samples.length; s += CHUNK) {
        const part = chunk.samples.slice(s, s + CHUNK).map(sampleValues)
        await sql`insert into incident_events (${sql.raw(SAMPLE_COLUMNS)}) values ${tuples(part)}`.execute(
          t,
        )
      }
      const minutes = chunk.minutes.map((m) => [m.incidentId, m.minute, m.count])
      await sql`insert into incident_minutes (incident_id, minute, count) values ${tuples(minutes)}`.execute(
        t,
      )
    })
    if ((from - 1) % 50_000 === 0)
      progress(`generated ${(from - 1).toLocaleString('en')} incidents`)
  }
}

/**
 * Fills a migrated database with `count` incidents (five samples each) unless an earlier run
 * already did: triggers off, bulk inserts in transactions, then one rebuild of the search index.
 * SQLite is closed for the load and reopened with `reopen`; the returned database is the one to use.
 */
export async function loadBenchData(
  database: Database,
  count: number,
  progress: Progress,
  sqlitePath: string | null,
  reopen: () => Database,
): Promise<Database> {
  if (await isLoaded(database.db as unknown as Kysely<unknown>, count)) {
    progress(`reusing the ${count.toLocaleString('en')} incidents generated by an earlier run`)

    return database
  }

  const started = Date.now()
  const db = database.db as unknown as Kysely<unknown>
  for (const table of ['bench_meta', 'incident_minutes', 'incident_events', 'incidents']) {
    await sql`delete from ${sql.table(table)}`.execute(db)
  }
  await dropSearchTriggers(db, database.dialect)
  let current = database
  if (sqlitePath !== null) {
    await database.close()
    loadSqliteRows(sqlitePath, count, progress)
    progress(`building the search index (${Math.round((Date.now() - started) / 1000)} s so far)`)
    await indexSqlite(sqlitePath)
    current = reopen()
  } else {
    await loadPostgresRows(database, count, progress)
    progress(`building the search index (${Math.round((Date.now() - started) / 1000)} s so far)`)
    await rebuildSearchIndex(db, database.dialect)
    await createSearchTriggers(db, database.dialect)
  }

  const after = current.db as unknown as Kysely<unknown>
  await sql`analyze`.execute(after)
  await sql`insert into bench_meta (incidents, done, version) values (${count}, 1, ${DATA_VERSION})`.execute(
    after,
  )
  const seconds = Math.round((Date.now() - started) / 1000)
  progress(`generated in ${seconds} s (clock fixed at ${new Date(BENCH_NOW).toISOString()})`)

  return current
}
