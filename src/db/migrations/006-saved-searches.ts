import type { Kysely } from 'kysely'

import { addIdColumn, bigint } from '../dialect.js'
import type { DialectMigration } from './migration.js'

/** Saved searches: a named query of the search language, private to its owner or shared. */
export const savedSearches: DialectMigration = {
  async up(db: Kysely<unknown>, dialect) {
    const big = bigint(dialect)

    await addIdColumn(db.schema.createTable('saved_searches'), dialect)
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('query', 'text', (c) => c.notNull())
      .addColumn('owner_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('shared', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute()
    // One name per owner, so a list of saved searches never shows two that look the same.
    await db.schema
      .createIndex('saved_searches_owner_name')
      .on('saved_searches')
      .columns(['owner_id', 'name'])
      .unique()
      .execute()
    await db.schema
      .createIndex('saved_searches_shared')
      .on('saved_searches')
      .column('shared')
      .execute()
  },
}
