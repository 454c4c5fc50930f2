import { sql, type SqlBool } from 'kysely'

import type { Database } from '../db/database.js'
import type { IncidentsTable } from '../db/schema.js'
import type { IncidentJson } from '../incidents/incident-json.js'
import { compileQuery } from '../incidents/search/compile-query.js'
import { matchIncidentsSince } from '../incidents/search/match-incidents-since.js'
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

/**
 * Most incidents active in a window for which text terms are checked row by row; above it the
 * full-text index finds the candidates. Alert windows are short, so the row check is the rule.
 */
export const ROW_CHECK_LIMIT = 5000

/** How many incidents were active in `(from, to]`, counted up to `cap`: one bounded index scan. */
export async function countActivity(
  database: Database,
  from: number,
  to: number,
  cap: number,
): Promise<number> {
  const row = await database.db
    .selectFrom((eb) =>
      eb
        .selectFrom('incidents')
        .select('id')
        .where('activity_at', '>', from)
        .where('activity_at', '<=', to)
        .limit(cap)
        .as('active'),
    )
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst()

  return Number(row?.n ?? 0)
}

function fromJson(item: IncidentJson): MatchedIncident {
  return {
    id: item.id,
    severity: item.severity,
    status: item.status,
    title: item.title,
    service: item.service,
    count: item.count,
    lastSeenAt: Date.parse(item.lastSeen),
    activityAt: Date.parse(item.activityAt),
  }
}

/**
 * The window's few active incidents (at most ROW_CHECK_LIMIT), filtered by the query with text
 * terms checked per row; `limit` caps the list, `total` counts every match.
 */
export async function matchByRow(
  database: Database,
  query: string,
  from: number,
  to: number,
  limit: number,
): Promise<MatchResult> {
  const compiled = compileQuery(parseQuery(query), database.dialect, to, 'row')
  const filters = [compiled.filter, windowPredicate(compiled.window)]
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
  for (const filter of filters) if (filter !== null) select = select.where(filter)
  // At most ROW_CHECK_LIMIT rows are active in the window, so all of them can be read at once.
  const rows = await select.orderBy('activity_at', 'desc').orderBy('id', 'desc').execute()

  return {
    total: rows.length,
    incidents: rows.slice(0, limit).map((row) => ({
      id: row.id,
      severity: row.severity,
      status: row.status,
      title: row.title,
      service: row.service,
      count: row.count,
      lastSeenAt: row.last_seen_at,
      activityAt: row.activity_at,
    })),
  }
}

/**
 * The matcher over the search language for one database. A quiet window costs one index probe;
 * a short one is filtered row by row; a long one goes through the search module's
 * matchIncidentsSince, where the full-text index finds text matches.
 */
export function searchMatcher(database: Database): IncidentMatcher {
  return async (query, from, to, limit) => {
    // Parsed first, so that a query that no longer parses fails every run, quiet or not.
    parseQuery(query)
    const active = await countActivity(database, from, to, ROW_CHECK_LIMIT + 1)
    if (active === 0) return { incidents: [], total: 0 }
    if (active <= ROW_CHECK_LIMIT) return matchByRow(database, query, from, to, limit)

    const found = await matchIncidentsSince(database, query, from, to, { limit })

    return { total: found.total, incidents: found.items.map(fromJson) }
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
