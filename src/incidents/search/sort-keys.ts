import { sql, type RawBuilder } from 'kysely'

import type { IncidentRow } from '../incident-json.js'
import { severityRank } from '../severity.js'

import type { SearchSort } from './search-options.js'

/** Severity as a number; migration 003 indexes exactly this expression with activity_at and id. */
const RANK = sql<number>`(case incidents.severity when 'HIGH' then 3 when 'MEDIUM' then 2 else 1 end)`

/** The sort key expressions of each order; the id always breaks ties. */
export function sortColumns(sort: SearchSort): RawBuilder<unknown>[] {
  switch (sort) {
    case 'activity':
      return [sql.ref('incidents.activity_at'), sql.ref('incidents.id')]
    case 'lastSeen':
      return [sql.ref('incidents.last_seen_at'), sql.ref('incidents.id')]
    case 'firstSeen':
      return [sql.ref('incidents.first_seen_at'), sql.ref('incidents.id')]
    case 'count':
      return [sql.ref('incidents.count'), sql.ref('incidents.id')]
    case 'severity':
      return [RANK, sql.ref('incidents.activity_at'), sql.ref('incidents.id')]
  }
}

/** The values of the sort keys of a row, for the cursor. */
export function sortKeys(sort: SearchSort, row: IncidentRow): number[] {
  switch (sort) {
    case 'activity':
      return [row.activity_at, row.id]
    case 'lastSeen':
      return [row.last_seen_at, row.id]
    case 'firstSeen':
      return [row.first_seen_at, row.id]
    case 'count':
      return [row.count, row.id]
    case 'severity':
      return [severityRank(row.severity), row.activity_at, row.id]
  }
}
