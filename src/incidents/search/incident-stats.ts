import { sql } from 'kysely'

import type { Database } from '../../db/database.js'
import type { IncidentStatus } from '../incident-json.js'
import { SEVERITIES, type Severity } from '../severity.js'

import { STATUSES } from './field-predicate.js'
import { intersectWindow, optionError, type TimeOption } from './search-options.js'
import { parseDuration } from './time-value.js'

const MINUTE = 60_000
const DAY = 86_400_000
/** Bucket sizes picked automatically, smallest first. */
const AUTO_BUCKETS = [1, 5, 15, 30, 60, 180, 360, 720, 1440, 10_080].map((m) => m * MINUTE)
const AUTO_TARGET = 120
const MAX_BUCKETS = 2000
const MAX_WINDOW = 400 * DAY

export interface StatsOptions {
  /** Window start (default: 24 hours before `to`) and end (default: now). */
  from?: TimeOption
  to?: TimeOption
  /** Bucket size: milliseconds or a duration (`5m`, `1h`); a multiple of a minute. Default: about 120 buckets. */
  bucket?: number | string | null
}

export type SeverityCounts = Record<Severity, number>

/** Occurrences per severity in one bucket; `start` is an ISO time aligned to the bucket size. */
export interface StatsBucket extends SeverityCounts {
  start: string
}

/** What the dashboard shows: occurrences over time by severity, totals, noisy services and incidents. */
export interface IncidentStats {
  from: string
  to: string
  bucketMs: number
  series: StatsBucket[]
  /** Occurrences in the window per severity. */
  occurrences: SeverityCounts
  /** All incidents per status, and the open ones per severity (the dashboard's cards). */
  byStatus: Record<IncidentStatus, number>
  openBySeverity: SeverityCounts
  topServices: { service: string; count: number; incidents: number }[]
  topIncidents: {
    id: number
    title: string
    severity: Severity
    status: IncidentStatus
    service: string
    count: number
  }[]
}

function bucketSize(option: StatsOptions['bucket'], span: number): number {
  if (option === null || option === undefined || option === '') {
    return AUTO_BUCKETS.find((b) => span / b <= AUTO_TARGET) ?? (AUTO_BUCKETS.at(-1) as number)
  }
  const ms =
    typeof option === 'number'
      ? option
      : /^\d+$/.test(option.trim())
        ? Number(option.trim())
        : parseDuration(option.trim())
  if (ms === null || !Number.isSafeInteger(ms) || ms < MINUTE || ms % MINUTE !== 0) {
    throw optionError(
      'bucket',
      'expected a whole number of minutes, as milliseconds or like 5m, 1h, 1d',
    )
  }
  if (span / ms > MAX_BUCKETS) {
    throw optionError('bucket', `the window holds more than ${MAX_BUCKETS} buckets of this size`)
  }

  return ms
}

function zeros(): SeverityCounts {
  return { HIGH: 0, MEDIUM: 0, LOW: 0 }
}

/** Dashboard statistics from the per-minute occurrence counts, for `GET /api/v1/stats`. */
export async function incidentStats(
  database: Database,
  options: StatsOptions = {},
  now: number = Date.now(),
): Promise<IncidentStats> {
  const bounds = intersectWindow({ from: null, to: null }, options.from, options.to, now)
  const to = bounds.to ?? now
  const from = bounds.from ?? to - DAY
  if (from > to) throw optionError('from', 'the time window ends before it starts')
  if (to - from > MAX_WINDOW) throw optionError('from', 'the window is longer than 400 days')
  const bucket = bucketSize(options.bucket, to - from)
  const first = Math.floor(from / MINUTE) * MINUTE
  const db = database.db

  // `%` rather than `/`: SQLite receives bound numbers as reals, and its `%` works on integers.
  const series = await sql<{ start: number; severity: Severity; n: number }>`
    select m.minute - m.minute % ${bucket} as start, i.severity as severity, sum(m.count) as n
    from incident_minutes m join incidents i on i.id = m.incident_id
    where m.minute >= ${first} and m.minute <= ${to}
    group by 1, 2`.execute(db)
  const services = await sql<{ service: string; n: number; k: number }>`
    select i.service as service, sum(m.count) as n, count(distinct m.incident_id) as k
    from incident_minutes m join incidents i on i.id = m.incident_id
    where m.minute >= ${first} and m.minute <= ${to}
    group by i.service order by n desc, i.service limit 10`.execute(db)
  const top = await sql<IncidentStats['topIncidents'][number]>`
    select i.id as id, i.title as title, i.severity as severity, i.status as status,
      i.service as service, t.n as count
    from (select m.incident_id as incident_id, sum(m.count) as n from incident_minutes m
      where m.minute >= ${first} and m.minute <= ${to}
      group by m.incident_id order by n desc, m.incident_id limit 10) t
    join incidents i on i.id = t.incident_id order by t.n desc, i.id`.execute(db)
  const totals = await db
    .selectFrom('incidents')
    .select(['severity', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['severity', 'status'])
    .execute()

  const buckets = new Map<number, StatsBucket>()
  for (let t = Math.floor(from / bucket) * bucket; t <= to; t += bucket) {
    buckets.set(t, { start: new Date(t).toISOString(), ...zeros() })
  }
  const occurrences = zeros()
  for (const row of series.rows) {
    const entry = buckets.get(row.start)
    if (entry !== undefined) entry[row.severity] += row.n
    occurrences[row.severity] += row.n
  }
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<IncidentStatus, number>
  const openBySeverity = zeros()
  for (const row of totals) {
    if (row.status in byStatus) byStatus[row.status] += row.n
    if (row.status === 'open' && SEVERITIES.includes(row.severity)) {
      openBySeverity[row.severity] += row.n
    }
  }

  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    bucketMs: bucket,
    series: [...buckets.values()],
    occurrences,
    byStatus,
    openBySeverity,
    topServices: services.rows.map((r) => ({
      service: r.service,
      count: r.n,
      incidents: r.k,
    })),
    topIncidents: top.rows.map((r) => ({ ...r, id: r.id, count: r.count })),
  }
}
