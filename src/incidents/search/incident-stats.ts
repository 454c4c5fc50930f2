import { sql, type RawBuilder } from 'kysely'

import type { Database } from '../../db/database.js'
import type { IncidentStatus } from '../incident-json.js'
import { SEVERITIES, type Severity } from '../severity.js'

import { STATUSES } from './field-predicate.js'
import { intersectWindow, optionError, type TimeOption } from './search-options.js'
import { parseDuration } from './time-value.js'

const MINUTE = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000
/** Windows up to this long get per-minute buckets by default; longer ones whole hours. */
const MINUTE_WINDOW = 6 * HOUR
/** Bucket sizes picked automatically, smallest first: per-minute ones, then whole hours. */
const AUTO_MINUTE_BUCKETS = [1, 5, 15, 30, 60].map((m) => m * MINUTE)
const AUTO_HOUR_BUCKETS = [1, 3, 6, 12, 24, 168].map((h) => h * HOUR)
const AUTO_TARGET = 120
const MAX_BUCKETS = 2000
const MAX_WINDOW = 400 * DAY

export interface StatsOptions {
  /** Window start (default: 24 hours before `to`) and end (default: now). */
  from?: TimeOption
  to?: TimeOption
  /**
   * Bucket size: milliseconds or a duration (`5m`, `1h`); a multiple of a minute. Default: at
   * most 120 buckets, whole hours for windows over 6 hours. Whole-hour buckets read the hourly
   * rollup and count the whole first hour; others read the per-minute rollup.
   */
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
  /** Occurrences in the window per service, most first (ten). */
  topServices: { service: string; count: number }[]
  /** Incidents seen in the window with the highest total count (ten). */
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
    const sizes = span <= MINUTE_WINDOW ? AUTO_MINUTE_BUCKETS : AUTO_HOUR_BUCKETS

    return sizes.find((b) => span / b <= AUTO_TARGET) ?? (sizes.at(-1) as number)
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

/** Occurrences per service and minute from `start` to `to` (both minute-aligned bounds in ms). */
function serviceMinutes(start: number, to: number): RawBuilder<unknown> {
  return sql`select s.service, s.count from incident_stats_minutes s where s.minute >= ${start} and s.minute <= ${to}`
}

/**
 * Occurrences per service in the hours from `start` (hour-aligned) to the one holding `to`:
 * whole UTC days from the daily rollup, the hours before the first and after the last of them
 * from the hourly one. The sum is the same as over the hours alone, with far fewer rows.
 */
function serviceHours(start: number, to: number): RawBuilder<unknown> {
  const hours = (from: number, until: number): RawBuilder<unknown> =>
    sql`select s.service, s.count from incident_stats_hours s where s.hour >= ${from} and s.hour <= ${until}`
  const lastHour = to - (to % HOUR)
  const firstDay = Math.ceil(start / DAY) * DAY
  const lastDay = Math.floor((lastHour + HOUR) / DAY) * DAY - DAY
  if (firstDay > lastDay) return hours(start, to)

  return sql`${hours(start, firstDay - HOUR)}
    union all select s.service, s.count from incident_stats_days s
    where s.day >= ${firstDay} and s.day <= ${lastDay}
    union all ${hours(lastDay + DAY, to)}`
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

  // Whole-hour buckets read the hourly rollups, others the per-minute one (all kept by triggers).
  const hourly = bucket % HOUR === 0
  const start = hourly ? first - (first % HOUR) : first
  const key = hourly ? sql.ref('s.hour') : sql.ref('s.minute')
  // `%` rather than `/`: SQLite receives bound numbers as reals, and its `%` works on integers.
  const series = await sql<{ start: number; severity: Severity; n: number }>`
    select ${key} - ${key} % ${bucket} as start, s.severity as severity, sum(s.count) as n
    from ${hourly ? sql`incident_stats_severity_hours` : sql`incident_stats_minutes`} s
    where ${key} >= ${start} and ${key} <= ${to}
    group by 1, 2`.execute(db)
  const services = await sql<{ service: string; n: number }>`
    select s.service as service, sum(s.count) as n
    from (${hourly ? serviceHours(start, to) : serviceMinutes(start, to)}) s
    group by s.service order by n desc, s.service limit 10`.execute(db)
  const top = await db
    .selectFrom('incidents')
    .select(['id', 'title', 'severity', 'status', 'service', 'count'])
    .where('last_seen_at', '>=', from)
    .where('first_seen_at', '<=', to)
    .orderBy('count', 'desc')
    .orderBy('id', 'desc')
    .limit(10)
    .execute()
  // Kept by triggers (migration 003), so the dashboard never counts the whole table.
  const totals = (
    await sql<{
      severity: Severity
      status: IncidentStatus
      n: number
    }>`select severity, status, n from incident_status_counts`.execute(db)
  ).rows

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
    topServices: services.rows.map((r) => ({ service: r.service, count: r.n })),
    topIncidents: top,
  }
}
