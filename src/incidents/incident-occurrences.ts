import type { Database } from '../db/database.js'
import { AppError } from '../errors/app-error.js'

import { parseTime } from './search/index.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** Bucket sizes picked so a window holds at most about 120 bars, smallest first. */
const BUCKETS = [1, 5, 15, 60, 180, 360, 1440].map((m) => m * MINUTE)
const TARGET = 120
const MAX_WINDOW = 400 * DAY

/** Occurrences of one incident per time bucket, from its per-minute counts. */
export interface IncidentOccurrences {
  from: string
  to: string
  bucketMs: number
  total: number
  series: { start: string; count: number }[]
}

export interface OccurrenceOptions {
  /**
   * ISO 8601, epoch ms or relative (`-7d`); default: the incident's first sighting, at most 30
   * days back, at least an hour.
   */
  from?: string | undefined
  to?: string | undefined
}

function time(field: 'from' | 'to', text: string, now: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : parseTime(text, now, field === 'to')
  if (value === null || !Number.isFinite(value)) {
    throw new AppError('VALIDATION_FAILED', `${field} must be ISO 8601, epoch ms or like -7d`, {
      status: 400,
      field,
    })
  }

  return value
}

/** The occurrence chart of incident `id`; NOT_FOUND when it does not exist. */
export async function incidentOccurrences(
  database: Database,
  id: number,
  options: OccurrenceOptions = {},
  now: number = Date.now(),
): Promise<IncidentOccurrences> {
  const incident = await database.db
    .selectFrom('incidents')
    .select(['first_seen_at', 'created_at'])
    .where('id', '=', id)
    .executeTakeFirst()
  if (incident === undefined) {
    throw new AppError('NOT_FOUND', `incident ${id} does not exist`, { status: 404 })
  }

  const to = options.to === undefined ? now : time('to', options.to, now)
  const first = Math.min(incident.first_seen_at, incident.created_at)
  const from =
    options.from === undefined
      ? Math.min(to - HOUR, Math.max(first, to - 30 * DAY))
      : time('from', options.from, now)
  if (from > to) {
    throw new AppError('VALIDATION_FAILED', 'from must be before to', {
      status: 400,
      field: 'from',
    })
  }
  if (to - from > MAX_WINDOW) {
    throw new AppError('VALIDATION_FAILED', 'the window is longer than 400 days', {
      status: 400,
      field: 'from',
    })
  }
  const bucket = BUCKETS.find((b) => (to - from) / b <= TARGET) ?? DAY
  const start = Math.floor(from / bucket) * bucket

  const rows = await database.db
    .selectFrom('incident_minutes')
    .select(['minute', 'count'])
    .where('incident_id', '=', id)
    .where('minute', '>=', start)
    .where('minute', '<=', to)
    .execute()
  const counts = new Map<number, number>()
  let total = 0
  for (const row of rows) {
    const key = Math.floor(row.minute / bucket) * bucket
    counts.set(key, (counts.get(key) ?? 0) + row.count)
    total += row.count
  }
  const series: IncidentOccurrences['series'] = []
  for (let t = start; t <= to; t += bucket) {
    series.push({ start: new Date(t).toISOString(), count: counts.get(t) ?? 0 })
  }

  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    bucketMs: bucket,
    total,
    series,
  }
}
