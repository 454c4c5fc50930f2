import type { Kysely } from 'kysely'

import type { DialectName } from '../dialect.js'

/** One step of the schema history. It receives the dialect for the few types that differ. */
export interface DialectMigration {
  up(db: Kysely<unknown>, dialect: DialectName): Promise<void>
}
