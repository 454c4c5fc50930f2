import { sql, type SqlBool } from 'kysely'

import type { Database } from '../../db/database.js'
import { toIncidentJson, type IncidentJson } from '../incident-json.js'

import { compileQuery } from './compile-query.js'
import { parseQuery } from './parse-query.js'
import { windowPredicate } from './window-sql.js'

/** What an alert run found: the newest matches (up to the limit) and how many matched in all. */
export interface WindowMatches {
  items: IncidentJson[]
  total: number
}

export interface MatchOptions {
  /** Most incidents returned, newest activity first (default 200, at most 1000). */
  limit?: number
  snowBaseUrl?: string | null
}

/**
 * Incidents that match `q` and whose activity (alims recording an occurrence) falls in the
 * window `(windowFrom, windowTo]` in epoch ms: consecutive windows never report an occurrence
 * twice. Relative times in `q` (`since:1h`) resolve against `windowTo`.
 */
export async function matchIncidentsSince(
  database: Database,
  q: string,
  windowFrom: number,
  windowTo: number,
  options: MatchOptions = {},
): Promise<WindowMatches> {
  const limit = Math.min(Math.max(options.limit ?? 200, 1), 1000)
  const compiled = compileQuery(parseQuery(q), database.dialect, windowTo)
  const filters = [
    sql<SqlBool>`incidents.activity_at > ${windowFrom} and incidents.activity_at <= ${windowTo}`,
    compiled.filter,
    windowPredicate(compiled.window),
  ]

  let rows = database.db.selectFrom('incidents').selectAll('incidents')
  let count = database.db.selectFrom('incidents').select((eb) => eb.fn.countAll<number>().as('n'))
  for (const filter of filters) {
    if (filter === null) continue
    rows = rows.where(filter)
    count = count.where(filter)
  }
  const items = await rows
    .orderBy('incidents.activity_at', 'desc')
    .orderBy('incidents.id', 'desc')
    .limit(limit)
    .execute()
  const total = items.length < limit ? items.length : (await count.executeTakeFirstOrThrow()).n

  return { items: items.map((row) => toIncidentJson(row, options)), total }
}
