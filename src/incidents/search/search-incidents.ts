import { sql, type RawBuilder, type SqlBool } from 'kysely'

import type { Database } from '../../db/database.js'
import { toIncidentJson, type IncidentJson, type IncidentRow } from '../incident-json.js'

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
  type SortOrder,
  type TimeOption,
} from './search-options.js'
import type { TextMode } from './text-sql.js'
import { chooseTextMode, type TextEstimate } from './choose-text-mode.js'
import { sortColumns, sortKeys } from './sort-keys.js'
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

interface FindPlan {
  columns: RawBuilder<unknown>[]
  order: SortOrder
  keyset: RawBuilder<SqlBool> | null
  limit: number
  filtersFor(mode: TextMode): RawBuilder<SqlBool>[]
  /** What chooseTextMode weighs: text terms against conditions an index serves. */
  estimate: TextEstimate
}

/** How many rows of the sort order a probe examines before the index-driven query takes over. */
function probeSize(limit: number): number {
  return Math.min(10_000, Math.max(2000, limit * 10))
}

/**
 * Finds the next rows in two steps. The probe filters a short prefix of the sort order (an
 * index walk), checking text per row: common terms and filters finish here. When the prefix
 * holds too few matches, the query runs over the whole table, driven by the full-text index
 * or by the field indexes, whichever selects fewer incidents (see chooseTextMode).
 */
async function findRows(database: Database, plan: FindPlan): Promise<IncidentRow[]> {
  const { columns, order, keyset, limit } = plan
  const rowFilters = plan.filtersFor('row')
  if (rowFilters.length > 0) {
    let prefix = database.db.selectFrom('incidents').selectAll('incidents')
    if (keyset !== null) prefix = prefix.where(keyset)
    for (const column of columns) prefix = prefix.orderBy(column, order)
    let probe = database.db.selectFrom(prefix.limit(probeSize(limit)).as('incidents')).selectAll()
    for (const filter of rowFilters) probe = probe.where(filter)
    for (const column of columns) probe = probe.orderBy(column, order)
    const found = await probe.limit(limit).execute()
    if (found.length === limit) return found
  }

  let query = database.db.selectFrom('incidents').selectAll('incidents')
  if (keyset !== null) query = query.where(keyset)
  const mode = await chooseTextMode(database, plan.estimate, keyset)
  for (const filter of plan.filtersFor(mode)) {
    query = query.where(filter)
  }
  for (const column of columns) query = query.orderBy(column, order)

  return query.limit(limit).execute()
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

  const tree = parseQuery(q)
  const filtersFor = (mode: TextMode): RawBuilder<SqlBool>[] => {
    const compiled = compileQuery(tree, database.dialect, at, mode)
    const window = intersectWindow(compiled.window, options.from, options.to, at)
    const list = [
      compiled.filter,
      windowPredicate(window),
      ...optionFilters(database.dialect, options),
    ]

    return list.filter((f): f is RawBuilder<SqlBool> => f !== null)
  }
  const estimate = compileQuery(tree, database.dialect, at)
  const window = windowPredicate(intersectWindow(estimate.window, options.from, options.to, at))
  const indexed = [
    ...estimate.indexed,
    ...(window === null ? [] : [window]),
    ...optionFilters(database.dialect, options),
  ]
  const keyset =
    after === null
      ? null
      : sql<SqlBool>`(${sql.join(columns)}) ${sql.raw(order === 'desc' ? '<' : '>')} (${sql.join(after.keys)})`

  const rows = await findRows(database, {
    columns,
    order,
    keyset,
    limit: limit + 1,
    filtersFor,
    estimate: { texts: estimate.texts, indexed },
  })
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  const next =
    rows.length > limit && last !== undefined
      ? encodeCursor({ keys: sortKeys(sort, last), now: at }, digest)
      : null

  return { items: page.map((row) => toIncidentJson(row, options)), next }
}
