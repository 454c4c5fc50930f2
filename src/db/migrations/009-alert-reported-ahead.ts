import type { Kysely } from 'kysely'

import type { DialectMigration } from './migration.js'

/**
 * `alerts.reported_ahead`: the incidents the last email listed for activity after its window's
 * end, with that activity time, as JSON `[[incidentId, activityAt], …]`. The next run skips them
 * unless they were active again (docs/decisions/009-alert-runs.md, "Windows").
 */
export const alertReportedAhead: DialectMigration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('alerts')
      .addColumn('reported_ahead', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute()
  },
}
