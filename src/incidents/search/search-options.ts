import { AppError } from '../../errors/app-error.js'

import type { TimeWindow } from './compile-query.js'
import type { FieldValue } from './field-predicate.js'
import { parseTime } from './time-value.js'

/** Sort orders of a search; `activity` (when alims last recorded an occurrence) is the default. */
export const SEARCH_SORTS = ['activity', 'lastSeen', 'firstSeen', 'count', 'severity'] as const
export type SearchSort = (typeof SEARCH_SORTS)[number]
export type SortOrder = 'asc' | 'desc'

/** Largest page a search returns. */
export const MAX_SEARCH_LIMIT = 500
export const DEFAULT_SEARCH_LIMIT = 50

/** A filter given apart from `q`: one value, a comma-separated list, or an array. */
export type ListOption = string | readonly string[] | null | undefined
/** A time given apart from `q`: epoch ms, or the language's time syntax (ISO, `now-1h`, `-7d`). */
export type TimeOption = number | string | null | undefined

export function optionError(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${message}`, { status: 400, field })
}

/** Splits a list option into field values; null when absent or empty. */
export function listValues(field: string, option: ListOption): FieldValue[] | null {
  if (option === null || option === undefined) return null

  const raw = typeof option === 'string' ? option.split(',') : [...option]
  const values = raw.map((v) => v.trim()).filter((v) => v !== '')
  if (values.length === 0) return null
  if (values.length > 100) throw optionError(field, 'at most 100 values')

  return values.map((text) => ({ text, wildcard: text.includes('*') }))
}

function timeOption(field: 'from' | 'to', option: TimeOption, now: number): number | null {
  if (option === null || option === undefined || option === '') return null
  if (typeof option === 'number') {
    if (!Number.isSafeInteger(option)) throw optionError(field, 'expected epoch milliseconds')

    return option
  }
  const trimmed = option.trim()
  const at = /^\d{10,15}$/.test(trimmed) ? Number(trimmed) : parseTime(trimmed, now, field === 'to')
  if (at === null) {
    throw optionError(
      field,
      `cannot read "${trimmed.slice(0, 40)}" as a time; expected ISO 8601, now-1h or -7d`,
    )
  }

  return at
}

/** Narrows `window` by the `from`/`to` options; an empty result is a 400. */
export function intersectWindow(
  window: TimeWindow,
  from: TimeOption,
  to: TimeOption,
  now: number,
): TimeWindow {
  const a = timeOption('from', from, now)
  const b = timeOption('to', to, now)
  const result: TimeWindow = {
    from: a === null ? window.from : window.from === null ? a : Math.max(a, window.from),
    to: b === null ? window.to : window.to === null ? b : Math.min(b, window.to),
  }
  if (result.from !== null && result.to !== null && result.from > result.to) {
    throw optionError(
      from === undefined || from === null ? 'to' : 'from',
      'the time window ends before it starts',
    )
  }

  return result
}

/** Validates the limit: a whole number 1–500, default 50. */
export function parseLimit(limit: number | string | null | undefined): number {
  if (limit === null || limit === undefined || limit === '') return DEFAULT_SEARCH_LIMIT

  const value =
    typeof limit === 'number' ? limit : /^\d{1,4}$/.test(limit.trim()) ? Number(limit) : NaN
  if (!Number.isInteger(value) || value < 1 || value > MAX_SEARCH_LIMIT) {
    throw optionError('limit', `expected a whole number from 1 to ${MAX_SEARCH_LIMIT}`)
  }

  return value
}

export function parseSort(sort: string | null | undefined): SearchSort {
  if (sort === null || sort === undefined || sort === '') return 'activity'
  if (!(SEARCH_SORTS as readonly string[]).includes(sort)) {
    throw optionError('sort', `expected one of ${SEARCH_SORTS.join(', ')}`)
  }

  return sort as SearchSort
}

export function parseOrder(order: string | null | undefined): SortOrder {
  if (order === null || order === undefined || order === '') return 'desc'
  if (order !== 'asc' && order !== 'desc') throw optionError('order', 'expected asc or desc')

  return order
}
