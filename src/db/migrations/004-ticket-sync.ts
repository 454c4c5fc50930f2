import type { Kysely } from 'kysely'

import { bigint } from '../dialect.js'
import type { DialectMigration } from './migration.js'

/**
 * Ticket sync state on incidents (attempts, next attempt, last work note) and the index
 * the outbox drainer uses to keep rows of one incident in order.
 */
export const ticketSync: DialectMigration = {
  async up(db: Kysely<unknown>, dialect) {
    const big = bigint(dialect)

    await db.schema
      .alterTable('incidents')
      .addColumn('ticket_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .execute()
    await db.schema.alterTable('incidents').addColumn('ticket_next_attempt_at', big).execute()
    await db.schema.alterTable('incidents').addColumn('ticket_noted_at', big).execute()
    await db.schema.alterTable('incidents').addColumn('ticket_resolved_at', big).execute()

    await db.schema
      .createIndex('ticket_outbox_incident')
      .on('ticket_outbox')
      .columns(['incident_id', 'id'])
      .execute()
  },
}
