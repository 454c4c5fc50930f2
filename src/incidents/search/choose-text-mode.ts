import { sql, type RawBuilder, type SqlBool } from 'kysely'

import type { Database } from '../../db/database.js'

import { ftsCandidates, type TextMode } from './text-sql.js'

/** Most candidates counted on either side when choosing what drives a search. */
export const ESTIMATE_CAP = 20_000

/** The two sides of a search that may drive it. */
export interface TextEstimate {
  /** The text terms every match must contain. */
  texts: string[]
  /** Conditions every match meets that an index serves (fields, time window, options). */
  indexed: RawBuilder<SqlBool>[]
}

/**
 * Chooses what drives a search over the whole table. Text terms drive it through the full-text
 * index (`index`), unless the conditions that an index serves select fewer incidents (after
 * `keyset`, if any) than the rarest text term offers as candidates: then those indexes drive it
 * and text is checked per row (`row`). The conditions are counted first, up to ESTIMATE_CAP;
 * the terms then only up to one more than that. A term the index cannot narrow (under three
 * characters) offers every row. The choice changes how fast rows are found, never which.
 *
 * SQLite only: its planner cannot estimate FTS5 candidates. PostgreSQL estimates both sides
 * from its statistics and plans the two forms alike, and counting pg_trgm candidates of a
 * common term costs more than the search (`index` there, without counting).
 */
export async function chooseTextMode(
  database: Database,
  estimate: TextEstimate,
  keyset: RawBuilder<SqlBool> | null,
): Promise<TextMode> {
  if (database.dialect === 'postgres') return 'index'
  if (estimate.texts.length === 0 || estimate.indexed.length === 0) return 'index'

  const conditions = keyset === null ? estimate.indexed : [keyset, ...estimate.indexed]
  const fields = database.db
    .selectFrom('incidents')
    .select(sql<number>`1`.as('one'))
    .where(sql<SqlBool>`${sql.join(conditions, sql` and `)}`)
    .limit(ESTIMATE_CAP)
  const counted = await database.db
    .selectFrom(fields.as('f'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  const fieldCount = counted.n
  if (fieldCount >= ESTIMATE_CAP) return 'index'

  // Each term needs counting only past the fields' count to lose.
  const texts = estimate.texts
    .map((t) => ftsCandidates(t, fieldCount + 1))
    .filter((t): t is RawBuilder<number> => t !== null)
  if (texts.length === 0) return 'row'

  const row = await database.db
    .selectNoFrom(texts.map((t, i) => t.as(`text${i}`)))
    .executeTakeFirstOrThrow()
  const textCounts = Object.values(row).map(Number)

  return fieldCount < Math.min(...textCounts) ? 'row' : 'index'
}
