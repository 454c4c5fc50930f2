import { sql, type SqlBool } from 'kysely'

import type { Database } from '../db/database.js'
import type { IncidentsTable } from '../db/schema.js'
import { compileQuery } from '../incidents/search/compile-query.js'
import { parseQuery } from '../incidents/search/parse-query.js'
import { windowPredicate } from '../incidents/search/window-sql.js'

/** An incident as an alert run sees it. Times are epoch ms. */
export interface MatchedIncident {
  id: number
  severity: IncidentsTable['severity']
  status: IncidentsTable['status']
  title: string
  service: string
  count: number
  lastSeenAt: number
  activityAt: number
}

/**
 * Finds the incidents that match `query` (the search language) and were created or recurred in
 * `(from, to]` by the database's clock (`activity_at`), newest activity first, at most `limit`.
 */
export type IncidentMatcher = (
  query: string,
  from: number,
  to: number,
  limit: number,
) => Promise<MatchedIncident[]>

/** The matcher over the search language, for one database. */
export function searchMatcher(database: Database): IncidentMatcher {
  return async (query, from, to, limit) => {
    const compiled = compileQuery(parseQuery(query), database.dialect, to)
    let select = database.db
      .selectFrom('incidents')
      .select([
        'id',
        'severity',
        'status',
        'title',
        'service',
        'count',
        'last_seen_at',
        'activity_at',
      ])
      .where('activity_at', '>', from)
      .where('activity_at', '<=', to)
    if (compiled.filter !== null) select = select.where(compiled.filter)
    const eventWindow = windowPredicate(compiled.window)
    if (eventWindow !== null) select = select.where(eventWindow)
    const rows = await select
      .orderBy('activity_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()

    return rows.map((row) => ({
      id: row.id,
      severity: row.severity,
      status: row.status,
      title: row.title,
      service: row.service,
      count: row.count,
      lastSeenAt: row.last_seen_at,
      activityAt: row.activity_at,
    }))
  }
}

/**
 * Occurrences of `ids` counted in the per-minute table from the minute of `from` on: what the
 * "at least N occurrences" condition compares against. Minute precision.
 */
export async function countOccurrences(
  database: Database,
  ids: readonly number[],
  from: number,
): Promise<number> {
  if (ids.length === 0) return 0

  const minute = Math.floor(from / 60_000) * 60_000
  const row = await database.db
    .selectFrom('incident_minutes')
    .select(sql<number | string>`coalesce(sum(count), 0)`.as('total'))
    .where('incident_id', 'in', ids)
    .where(sql<SqlBool>`minute >= ${minute}`)
    .executeTakeFirst()

  return Number(row?.total ?? 0)
}
