import { sql } from 'kysely'

import { bulkInsert } from '../../db/bulk-insert.js'
import type { Tx } from '../../db/database.js'
import type { DialectName } from '../../db/dialect.js'
import type { Rollup } from '../../db/migrations/003-stats-rollups.js'
import { ROLLUPS } from '../../db/migrations/007-coarse-rollups.js'
import type { Severity } from '../../incidents/severity.js'

interface Delta {
  minute: number
  severity: Severity
  service: string
  count: number
}

// Rows per statement: 4 parameters each, well below both dialects' parameter limits.
const ROWS_PER_STATEMENT = 1_000

/**
 * The occurrences one transaction adds per minute, severity and service, written to every
 * rollup in one upsert per table instead of by the minute triggers row by row. The transaction
 * must be marked (`mark`) before it writes minutes and unmarked before it commits.
 */
export class RollupDeltas {
  readonly #deltas = new Map<string, Delta>()

  /** Marks the transaction: the minute triggers skip the rows it inserts or updates. */
  static async mark(tx: Tx, dialect: DialectName): Promise<void> {
    await (dialect === 'sqlite'
      ? sql`insert into stats_writer (marked) values (1)`.execute(tx)
      : sql`select set_config('alims.stats_writer', 'on', true)`.execute(tx))
  }

  /** Ends the mark; on SQLite the row must be gone before the commit. */
  static async unmark(tx: Tx, dialect: DialectName): Promise<void> {
    await (dialect === 'sqlite'
      ? sql`delete from stats_writer`.execute(tx)
      : sql`select set_config('alims.stats_writer', 'off', true)`.execute(tx))
  }

  /** `severity` and `service` as the incident row has them when the minutes are written. */
  add(minute: number, severity: Severity, service: string, count: number): void {
    const key = `${minute}\0${severity}\0${service}`
    const delta = this.#deltas.get(key)
    if (delta === undefined) this.#deltas.set(key, { minute, severity, service, count })
    else delta.count += count
  }

  /** Adds the deltas to every rollup. */
  async write(tx: Tx, dialect: DialectName): Promise<void> {
    for (const rollup of ROLLUPS) await this.#writeRollup(tx, dialect, rollup)
  }

  async #writeRollup(tx: Tx, dialect: DialectName, rollup: Rollup): Promise<void> {
    const buckets = new Map<string, Delta>()
    for (const delta of this.#deltas.values()) {
      const bucket = delta.minute - (delta.minute % rollup.size)
      const service = rollup.byService ? delta.service : ''
      const key = `${bucket}\0${delta.severity}\0${service}`
      const row = buckets.get(key)
      if (row === undefined) buckets.set(key, { ...delta, minute: bucket })
      else row.count += delta.count
    }
    const keys = rollup.byService
      ? `${rollup.column}, severity, service`
      : `${rollup.column}, severity`
    const params: unknown[] = []
    for (const r of buckets.values()) {
      if (rollup.byService) params.push(r.minute, r.severity, r.service, r.count)
      else params.push(r.minute, r.severity, r.count)
    }
    await bulkInsert(
      tx,
      dialect,
      {
        head: `insert into ${rollup.table} (${keys}, count) values`,
        tail: `on conflict (${keys}) do update set count = ${rollup.table}.count + excluded.count`,
        width: rollup.byService ? 4 : 3,
        rowsPerStatement: ROWS_PER_STATEMENT,
      },
      params,
    )
  }
}
