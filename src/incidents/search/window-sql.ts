import { sql, type RawBuilder, type SqlBool } from 'kysely'

import type { TimeWindow } from './compile-query.js'

/**
 * Incidents with at least one occurrence in the window. An open end needs only the first or
 * last occurrence time; a closed window also asks the per-minute counts, so an incident seen
 * before and after (but not during) the window does not match. Minute precision.
 */
export function windowPredicate(window: TimeWindow): RawBuilder<SqlBool> | null {
  const parts: RawBuilder<SqlBool>[] = []
  if (window.from !== null) parts.push(sql<SqlBool>`incidents.last_seen_at >= ${window.from}`)
  if (window.to !== null) parts.push(sql<SqlBool>`incidents.first_seen_at <= ${window.to}`)
  if (window.from !== null && window.to !== null) {
    const minute = Math.floor(window.from / 60_000) * 60_000
    parts.push(
      sql<SqlBool>`exists (select 1 from incident_minutes m
        where m.incident_id = incidents.id and m.minute >= ${minute} and m.minute <= ${window.to})`,
    )
  }
  if (parts.length === 0) return null

  return sql<SqlBool>`${sql.join(parts, sql` and `)}`
}
