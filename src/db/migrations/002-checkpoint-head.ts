import type { Kysely } from 'kysely'

import type { DialectMigration } from './migration.js'

/**
 * How many first bytes a checkpoint's head hash covers: below 1 KiB the hash is taken again as
 * the file grows, and a restart must hash the same number of bytes to recognise the file.
 */
export const checkpointHead: DialectMigration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('processed_logs')
      .addColumn('head_length', 'integer', (c) => c.notNull().defaultTo(1024))
      .execute()
  },
}
