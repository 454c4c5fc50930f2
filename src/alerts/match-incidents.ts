import { sql, type SqlBool } from 'kysely'

import type { Database } from '../db/database.js'
import type { IncidentsTable } from '../db/schema.js'
import { matchIncidentsSince } from '../incidents/search/match-incidents-since.js'

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

/** What a run found: the newest matches (at most the limit) and how many matched in all. */
export interface MatchResult {
  incidents: MatchedIncident[]
  total: number
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
) => Promise<MatchResult>

/** The matcher of the search module, for one database. */
export function searchMatcher(database: Database): IncidentMatcher {
  return async (query, from, to, limit) => {
    const found = await matchIncidentsSince(database, query, from, to, { limit })

    return {
      total: found.total,
      incidents: found.items.map((item) => ({
        id: item.id,
        severity: item.severity,
        status: item.status,
        title: item.title,
        service: item.service,
        count: item.count,
        lastSeenAt: Date.parse(item.lastSeen),
        activityAt: Date.parse(item.activityAt),
      })),
    }
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

/**
 * True when any incident was created or recurred in `(from, to]`: one index probe that spares the
 * search of a quiet window, the common case of frequent alerts.
 */
export async function hasActivity(database: Database, from: number, to: number): Promise<boolean> {
  const row = await database.db
    .selectFrom('incidents')
    .select('id')
    .where('activity_at', '>', from)
    .where('activity_at', '<=', to)
    .limit(1)
    .executeTakeFirst()

  return row !== undefined
}
