import { sql, type Kysely } from 'kysely'

import type { DialectMigration } from './migration.js'
import { createStatsTriggers, dropStatsTriggers } from './003-stats-rollups.js'
import { ROLLUPS } from './007-coarse-rollups.js'

/**
 * Lets the incident store keep the rollups of the occurrence minutes it writes, summed per
 * batch, instead of the minute triggers' four upserts per row (see `StatsTriggerOptions`):
 * the mark table on SQLite, and triggers that skip the rows of a marked transaction.
 */
export const statsWriter: DialectMigration = {
  async up(db: Kysely<unknown>, dialect) {
    if (dialect === 'sqlite') {
      await sql`create table stats_writer (marked integer not null)`.execute(db)
    }
    await dropStatsTriggers(db, dialect)
    await createStatsTriggers(db, dialect, ROLLUPS, { writerMark: true })
  },
}
