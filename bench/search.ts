/**
 * `npm run bench:search`: search and stats latency over 1,000,000 incidents and 5,000,000
 * stored samples in SQLite (and a smaller set in PostgreSQL when a server answers), next to
 * a plain LIKE scan measured in the same run. The generated databases are kept between runs.
 */
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

import pg from 'pg'

import { openDatabase, type Database } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'
import { incidentStats, searchIncidents } from '../src/incidents/search/index.js'
import type { SearchOptions } from '../src/incidents/search/index.js'

import { BENCH_NOW, generate } from './search-data.js'
import { isLoaded, loadBenchData } from './search-load.js'
import { reportJson } from './report.js'
import { likeReference, measure, percentile, printRows, type ResultRow } from './search-measure.js'

const SQLITE_INCIDENTS = Number(process.env.BENCH_SEARCH_INCIDENTS ?? 1_000_000)
const PG_INCIDENTS = Number(process.env.BENCH_SEARCH_PG_INCIDENTS ?? 200_000)
const RUNS = Number(process.env.BENCH_SEARCH_RUNS ?? 30)
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/alims_bench'
const OUT = join(import.meta.dirname, 'out')

/** A request id that occurs in exactly one stored sample: the needle in the haystack. */
const NEEDLE = /request_id=(\w+)/.exec(generate(123_457).samples[4]?.raw ?? '')?.[1] ?? 'none'
/** The representative searches: text, fields, time ranges, combinations, sorts, deep pages. */
const QUERIES: { name: string; options: SearchOptions; depth?: number }[] = [
  { name: 'default list (no query)', options: {} },
  { name: 'text, common', options: { q: 'timed out' } },
  { name: 'text, one match (a request id)', options: { q: NEEDLE } },
  { name: 'text, medium', options: { q: 'handshake_failure' } },
  { name: 'phrase', options: { q: '"connection pool exhausted"' } },
  { name: 'text, 2 characters', options: { q: 'id' } },
  { name: 'text + rare field', options: { q: 'timed out ticket:failed' } },
  { name: 'text, no match', options: { q: 'zebracorn' } },
  { name: 'severity + status', options: { q: 'severity:HIGH status:open' } },
  { name: 'service', options: { q: 'service:billing' } },
  { name: 'source wildcard', options: { q: 'source:/var/log/auth*/access.log' } },
  { name: 'tag', options: { q: 'tag:kafka' } },
  { name: 'ticket state', options: { q: 'ticket:failed severity:>=MEDIUM' } },
  { name: 'count comparison', options: { q: 'count:>100000' } },
  { name: 'since 24h', options: { q: 'since:24h' } },
  { name: 'closed window', options: { q: 'from:-7d to:-6d' } },
  { name: 'combined', options: { q: 'ECONNREFUSED service:api* severity:>=MEDIUM since:7d' } },
  { name: 'OR and negation', options: { q: '(deadlock OR "out of memory") -status:resolved' } },
  { name: 'sorted by count', options: { q: 'severity:HIGH', sort: 'count' } },
  { name: 'sorted by severity', options: { q: 'since:24h', sort: 'severity' } },
  { name: 'deep page 20 (status, by activity)', options: { q: 'status:open' }, depth: 20 },
  {
    name: 'deep page 20 (text, by count)',
    options: { q: 'permission denied', sort: 'count' },
    depth: 20,
  },
]
const REFERENCE_TERMS = ['timed out', NEEDLE, 'zebracorn']
/** What --json reports: each suite's rows with their p50 and p95 in ms. */
const suites: {
  label: string
  incidents: number
  rows: { name: string; p50: number; p95: number; found: number | null; target: number | null }[]
}[] = []

async function pageCursor(
  database: Database,
  options: SearchOptions,
  depth: number,
): Promise<string | null> {
  let cursor: string | null = null
  for (let page = 1; page < depth; page += 1) {
    cursor = (await searchIncidents(database, { ...options, cursor }, BENCH_NOW)).next
    if (cursor === null) break
  }

  return cursor
}

async function runSuite(database: Database, label: string, incidents: number): Promise<void> {
  const rows: ResultRow[] = []
  for (const query of QUERIES) {
    const cursor =
      query.depth === undefined ? null : await pageCursor(database, query.options, query.depth)
    let found = 0
    const times = await measure(RUNS, async () => {
      found = (await searchIncidents(database, { ...query.options, cursor }, BENCH_NOW)).items
        .length
    })
    rows.push({ name: query.name, detail: JSON.stringify(query.options), times, found, target: 50 })
  }
  for (const range of ['1h', '24h', '7d', '30d']) {
    const times = await measure(RUNS, async () => {
      await incidentStats(database, { from: `now-${range}` }, BENCH_NOW)
    })
    rows.push({ name: `stats ${range}`, detail: 'incidentStats', times, found: null, target: 100 })
  }
  for (const term of REFERENCE_TERMS) {
    const times = await measure(Math.max(3, Math.floor(RUNS / 6)), () =>
      likeReference(database, term),
    )
    rows.push({
      name: `reference LIKE scan "${term}"`,
      detail: 'plain LIKE over title/message/template',
      times,
      found: null,
      target: null,
    })
  }
  printRows(
    `${label}: ${incidents.toLocaleString('en')} incidents, ${(incidents * 5).toLocaleString('en')} samples`,
    rows,
  )
  suites.push({
    label,
    incidents,
    rows: rows.map(({ name, times, found, target }) => {
      const sorted = [...times].sort((a, b) => a - b)

      return { name, p50: percentile(sorted, 50), p95: percentile(sorted, 95), found, target }
    }),
  })
}

async function sqliteSuite(): Promise<void> {
  mkdirSync(OUT, { recursive: true })
  const path = join(OUT, `search-${SQLITE_INCIDENTS}.db`)
  const open = (): Database => openDatabase(`sqlite:${path}`)
  let database = open()
  if (!(await isLoaded(database.db as never, SQLITE_INCIDENTS))) {
    // Start from an empty file: deleting a million rows through the triggers is slower.
    await database.close()
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true })
    database = open()
  }
  await migrate(database)
  database = await loadBenchData(
    database,
    SQLITE_INCIDENTS,
    (m) => {
      console.log(`sqlite: ${m}`)
    },
    path,
    open,
  )
  try {
    await runSuite(database, 'SQLite', SQLITE_INCIDENTS)
  } finally {
    await database.close()
  }
}

async function postgresSuite(): Promise<void> {
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
    console.log(`\nPostgreSQL not measured: no server at ${url.host} (${(error as Error).message})`)

    return
  } finally {
    await admin.end().catch(() => undefined)
  }

  const open = (): Database => openDatabase(url.toString(), { poolSize: 4 })
  let database = open()
  await migrate(database)
  database = await loadBenchData(
    database,
    PG_INCIDENTS,
    (m) => {
      console.log(`postgres: ${m}`)
    },
    null,
    open,
  )
  try {
    const scaled =
      PG_INCIDENTS < SQLITE_INCIDENTS
        ? ' (scaled-down dataset: generating the full set through the network takes too long)'
        : ''
    await runSuite(database, `PostgreSQL${scaled}`, PG_INCIDENTS)
  } finally {
    await database.close()
  }
}

await sqliteSuite()
if (process.env.BENCH_SEARCH_SKIP_PG !== '1') await postgresSuite()
reportJson('search', { runs: RUNS, suites })
