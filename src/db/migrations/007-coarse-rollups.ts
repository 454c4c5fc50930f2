import { sql, type Kysely } from 'kysely'

import type { DialectMigration } from './migration.js'
import {
  ROLLUPS_003,
  createRollupTable,
  createStatsTriggers,
  dropStatsTriggers,
  type Rollup,
} from './003-stats-rollups.js'

const HOUR = 3_600_000
const DAY = 86_400_000

/** Occurrences per UTC day, severity and service: top services over windows of whole days. */
const DAYS: Rollup = { table: 'incident_stats_days', column: 'day', size: DAY, byService: true }
/** Occurrences per hour and severity, every service together: the dashboard's series. */
const SEVERITY_HOURS: Rollup = {
  table: 'incident_stats_severity_hours',
  column: 'hour',
  size: HOUR,
  byService: false,
}

/** Every rollup the triggers keep since this migration (bulk loads rebuild exactly these). */
export const ROLLUPS: readonly Rollup[] = [...ROLLUPS_003, DAYS, SEVERITY_HOURS]

/**
 * Coarser rollups for long dashboard windows (docs/decisions/003-search-language.md): a 30-day
 * window reads a few thousand rows instead of one per hour, severity and service. They are
 * filled from the hourly rollup (whole hours add up to whole days exactly), then the triggers
 * are replaced by ones that keep all four.
 */
export const coarseRollups: DialectMigration = {
  async up(db: Kysely<unknown>, dialect) {
    await createRollupTable(db, dialect, DAYS)
    await createRollupTable(db, dialect, SEVERITY_HOURS)
    await sql`insert into incident_stats_days (day, severity, service, count) select h.hour - h.hour % ${sql.lit(DAY)}, h.severity, h.service, sum(h.count) from incident_stats_hours h group by h.hour - h.hour % ${sql.lit(DAY)}, h.severity, h.service`.execute(
      db,
    )
    await sql`insert into incident_stats_severity_hours (hour, severity, count) select h.hour, h.severity, sum(h.count) from incident_stats_hours h group by h.hour, h.severity`.execute(
      db,
    )

    await dropStatsTriggers(db, dialect)
    await createStatsTriggers(db, dialect, ROLLUPS)
  },
}
