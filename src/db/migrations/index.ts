import { initial } from './001-initial.js'
import { checkpointHead } from './002-checkpoint-head.js'
import { search } from './003-search.js'
import { ticketSync } from './004-ticket-sync.js'
import { savedSearches } from './006-saved-searches.js'
import { coarseRollups } from './007-coarse-rollups.js'
import { statsWriter } from './008-stats-writer.js'
import { alertReportedAhead } from './009-alert-reported-ahead.js'
import type { DialectMigration } from './migration.js'

/**
 * The schema history, applied in name order. Names never change once released;
 * a new step gets the next number and a short name.
 */
export const MIGRATIONS: Readonly<Record<string, DialectMigration>> = {
  '001-initial': initial,
  '002-checkpoint-head': checkpointHead,
  '003-search': search,
  '004-ticket-sync': ticketSync,
  '006-saved-searches': savedSearches,
  '007-coarse-rollups': coarseRollups,
  '008-stats-writer': statsWriter,
  '009-alert-reported-ahead': alertReportedAhead,
}
