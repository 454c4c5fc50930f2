import { CompiledQuery } from 'kysely'

import type { Tx } from './database.js'
import { valuesList, type DialectName } from './dialect.js'

/** A multi-row insert or upsert: `head` up to VALUES, then the rows, then `tail`. */
export interface BulkStatement {
  /** E.g. `insert into t (a, b) values`. */
  head: string
  /** E.g. `on conflict (a) do update set b = t.b + excluded.b`, or ''. */
  tail: string
  /** Parameters per row. */
  width: number
  /** Rows per statement, within both dialects' parameter limits. */
  rowsPerStatement: number
}

/**
 * Runs `statement` over `params` (rows flattened, `width` values each), compiled from text:
 * a query tree of a node per value costs more to build than the database takes to store
 * thousands of small rows. The text holds no values, only placeholders.
 */
export async function bulkInsert(
  tx: Tx,
  dialect: DialectName,
  statement: BulkStatement,
  params: readonly unknown[],
): Promise<void> {
  const { width, rowsPerStatement } = statement
  if (params.length % width !== 0) {
    throw new Error(`bulk insert: ${params.length} parameters do not fill rows of ${width}`)
  }

  const step = rowsPerStatement * width
  for (let at = 0; at < params.length; at += step) {
    const chunk = params.slice(at, at + step)
    const values = valuesList(dialect, chunk.length / width, width)
    const text = `${statement.head} ${values} ${statement.tail}`
    await tx.executeQuery(CompiledQuery.raw(text, chunk))
  }
}
