import { sql, type RawBuilder, type SqlBool } from 'kysely'

import type { Database } from '../../db/database.js'
import { toIncidentJson, type IncidentJson, type IncidentRow } from '../incident-json.js'
import { severityRank } from '../severity.js'

import { compileQuery } from './compile-query.js'
import { decodeCursor, encodeCursor, searchDigest } from './cursor.js'
import { fieldPredicate, type FilterField } from './field-predicate.js'
import { parseQuery } from './parse-query.js'
import {
  intersectWindow,
  listValues,
  optionError,
  parseLimit,
  parseOrder,
  parseSort,
  type ListOption,
  type SearchSort,
  type TimeOption,
} from './search-options.js'
import { windowPredicate } from './window-sql.js'

/** What a search asks for; every field is optional and validated (bad values are 400s). */
export interface SearchOptions {
  /** The search language; empty matches everything. */
  q?: string | null
  severity?: ListOption
  status?: ListOption
  service?: ListOption
  from?: TimeOption
  to?: TimeOption
  sort?: string | null
  order?: string | null
  /** 1–500, default 50. */
  limit?: number | string | null
  cursor?: string | null
  /** ServiceNow base URL for ticket links, or null. */
  snowBaseUrl?: string | null
}

/** One page of incidents and the cursor of the next page (null on the last page). */
export interface SearchPage {
  items: IncidentJson[]
  next: string | null
}

const RANK = sql<number>`(case incidents.severity when 'HIGH' then 3 when 'MEDIUM' then 2 else 1 end)`

/** The sort key expressions of each order; the id always breaks ties. */
function sortColumns(sort: SearchSort): RawBuilder<unknown>[] {
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

function sortKeys(sort: SearchSort, row: IncidentRow): number[] {
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

function optionFilters(
  dialect: Database['dialect'],
  options: SearchOptions,
): RawBuilder<SqlBool>[] {
  const filters: RawBuilder<SqlBool>[] = []
  for (const field of ['severity', 'status', 'service'] as const satisfies FilterField[]) {
    const values = listValues(field, options[field])
    if (values === null) continue

    const fail = (message: string, expected: string): never => {
      throw optionError(field, `${message.replace(/^\w+: /, '')}; expected ${expected}`)
    }
    filters.push(fieldPredicate(dialect, field, '=', values, fail))
  }

  return filters
}

/**
 * Searches incidents with the search language and filters, newest activity first by default,
 * one page at a time (keyset pagination: pages stay stable while incidents are added).
 * Relative times resolve against `now` (epoch ms), kept in the cursor for the following pages.
 */
export async function searchIncidents(
  database: Database,
  options: SearchOptions = {},
  now: number = Date.now(),
): Promise<SearchPage> {
  const limit = parseLimit(options.limit)
  const sort = parseSort(options.sort)
  const order = parseOrder(options.order)
  const q = options.q ?? ''
  const digest = searchDigest([
    q,
    options.severity,
    options.status,
    options.service,
    options.from,
    options.to,
    sort,
    order,
  ])
  const columns = sortColumns(sort)
  const after =
    options.cursor === null || options.cursor === undefined || options.cursor === ''
      ? null
      : decodeCursor(options.cursor, digest, columns.length)
  const at = after?.now ?? now

  const compiled = compileQuery(parseQuery(q), database.dialect, at)
  const window = intersectWindow(compiled.window, options.from, options.to, at)
  const filters = [
    compiled.filter,
    windowPredicate(window),
    ...optionFilters(database.dialect, options),
  ]
  if (after !== null) {
    const cmp = sql.raw(order === 'desc' ? '<' : '>')
    filters.push(sql<SqlBool>`(${sql.join(columns)}) ${cmp} (${sql.join(after.keys)})`)
  }

  let query = database.db.selectFrom('incidents').selectAll('incidents')
  for (const filter of filters) if (filter !== null) query = query.where(filter)
  for (const column of columns) query = query.orderBy(column, order)
  const rows = await query.limit(limit + 1).execute()

  const page = rows.slice(0, limit)
  const last = page.at(-1)
  const next =
    rows.length > limit && last !== undefined
      ? encodeCursor({ keys: sortKeys(sort, last), now: at }, digest)
      : null

  return { items: page.map((row) => toIncidentJson(row, options)), next }
}
