import { sql, type RawBuilder, type SqlBool } from 'kysely'

import type { DialectName } from '../../db/dialect.js'
import { STATUSES } from '../incident-status.js'
import { SEVERITIES, isSeverity, severityRank, type Severity } from '../severity.js'

import type { Comparison } from './ast.js'
import { tagSet, wildcardMatch } from './text-sql.js'

/** A value of `field:value`; `wildcard` when an unquoted value holds `*`. */
export interface FieldValue {
  text: string
  wildcard: boolean
}

/** Raises the error for a bad value; the caller decides the code and position. */
export type Fail = (message: string, expected: string) => never

/** Fields that filter incidents (the time qualifiers are handled apart). */
export type FilterField =
  'severity' | 'status' | 'service' | 'source' | 'ticket' | 'fingerprint' | 'tag' | 'count' | 'id'

export { STATUSES }
const STATUS_ALIASES: Readonly<Record<string, string>> = { ack: 'acknowledged' }
const TICKET_STATES: Readonly<Record<string, string | null>> = {
  none: null,
  pending: 'pending',
  failed: 'failed',
  created: 'created',
}
const NEVER = sql<SqlBool>`1 = 0`

function anyOf(parts: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> {
  if (parts.length === 0) return NEVER
  if (parts.length === 1) return parts[0] as RawBuilder<SqlBool>

  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`
}

function inList(
  column: RawBuilder<unknown>,
  values: readonly (string | number)[],
): RawBuilder<SqlBool> {
  if (values.length === 0) return NEVER
  if (values.length === 1) return sql<SqlBool>`${column} = ${values[0]}`

  return sql<SqlBool>`${column} in (${sql.join(values)})`
}

function noWildcard(field: string, values: readonly FieldValue[], fail: Fail): void {
  if (values.some((v) => v.wildcard))
    fail(`${field}: does not take "*" wildcards`, 'an exact value')
}

function equalityOnly(field: string, op: Comparison, fail: Fail): void {
  if (op !== '=')
    fail(`${field}: does not support "${op}"; only counts, ids and severities compare`, 'a value')
}

function compareRank(op: Comparison, value: Severity): Severity[] {
  const rank = severityRank(value)
  const keep = (r: number): boolean =>
    op === '>'
      ? r > rank
      : op === '>='
        ? r >= rank
        : op === '<'
          ? r < rank
          : op === '<='
            ? r <= rank
            : r === rank

  return SEVERITIES.filter((s) => keep(severityRank(s)))
}

function severityPredicate(
  op: Comparison,
  values: readonly FieldValue[],
  fail: Fail,
): RawBuilder<SqlBool> {
  noWildcard('severity', values, fail)
  const chosen = new Set<Severity>()
  for (const value of values) {
    const upper = value.text.toUpperCase()
    if (!isSeverity(upper)) fail(`unknown severity "${value.text}"`, SEVERITIES.join(', '))
    for (const s of op === '=' ? [upper] : compareRank(op, upper)) chosen.add(s)
  }
  if (op !== '=' && values.length > 1)
    fail('severity: a comparison takes one value', 'one severity')

  return inList(sql.ref('incidents.severity'), [...chosen])
}

function statusPredicate(values: readonly FieldValue[], fail: Fail): RawBuilder<SqlBool> {
  noWildcard('status', values, fail)
  const chosen = values.map((value) => {
    const lower = value.text.toLowerCase()
    const status = STATUS_ALIASES[lower] ?? lower
    if (!(STATUSES as readonly string[]).includes(status)) {
      fail(`unknown status "${value.text}"`, STATUSES.join(', '))
    }

    return status
  })

  return inList(sql.ref('incidents.status'), [...new Set(chosen)])
}

function textPredicate(
  dialect: DialectName,
  column: RawBuilder<unknown>,
  values: readonly FieldValue[],
): RawBuilder<SqlBool> {
  const exact = values.filter((v) => !v.wildcard).map((v) => v.text)
  const patterns = values
    .filter((v) => v.wildcard)
    .map((v) => wildcardMatch(dialect, column, v.text))

  return anyOf([...(exact.length > 0 ? [inList(column, exact)] : []), ...patterns])
}

function ticketPredicate(dialect: DialectName, values: readonly FieldValue[]): RawBuilder<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = []
  const numbers: FieldValue[] = []
  for (const value of values) {
    const lower = value.text.toLowerCase()
    if (!value.wildcard && lower in TICKET_STATES) {
      const state = TICKET_STATES[lower] ?? null
      parts.push(
        state === null
          ? sql<SqlBool>`incidents.ticket_state is null`
          : sql<SqlBool>`incidents.ticket_state = ${state}`,
      )
    } else {
      numbers.push({ text: value.text.toUpperCase(), wildcard: value.wildcard })
    }
  }
  if (numbers.length > 0)
    parts.push(textPredicate(dialect, sql.ref('incidents.ticket_number'), numbers))

  return anyOf(parts)
}

function integerPredicate(
  column: 'count' | 'id',
  op: Comparison,
  values: readonly FieldValue[],
  fail: Fail,
): RawBuilder<SqlBool> {
  noWildcard(column, values, fail)
  const numbers = values.map((value) => {
    if (!/^\d{1,15}$/.test(value.text))
      fail(`${column}: "${value.text}" is not a whole number`, 'a number')

    return Number(value.text)
  })
  const ref = sql.ref(`incidents.${column}`)
  if (op === '=') return inList(ref, numbers)
  if (numbers.length > 1) fail(`${column}: a comparison takes one number`, 'one number')

  return sql<SqlBool>`${ref} ${sql.raw(op)} ${numbers[0]}`
}

/** Fields whose exact values (or comparisons, for counts and ids) an index on incidents serves. */
const INDEXED_FIELDS = new Set<FilterField>([
  'severity',
  'status',
  'service',
  'fingerprint',
  'count',
  'id',
])

/**
 * True when an index narrows `field:value` to the matching incidents, so that counting them
 * costs about as many index entries as there are matches: no wildcards, no tags or sources, and
 * ticket states rather than ticket numbers. A negation is never served.
 */
export function servedByIndex(
  field: FilterField,
  op: Comparison,
  values: readonly FieldValue[],
): boolean {
  if (values.some((v) => v.wildcard)) return false
  if (field === 'ticket')
    return op === '=' && values.every((v) => v.text.toLowerCase() in TICKET_STATES)

  return INDEXED_FIELDS.has(field)
}

/** The SQL condition for one `field:value` term (values already split on commas). */
export function fieldPredicate(
  dialect: DialectName,
  field: FilterField,
  op: Comparison,
  values: readonly FieldValue[],
  fail: Fail,
): RawBuilder<SqlBool> {
  if (field === 'severity') return severityPredicate(op, values, fail)
  if (field === 'count' || field === 'id') return integerPredicate(field, op, values, fail)

  equalityOnly(field, op, fail)
  switch (field) {
    case 'status':
      return statusPredicate(values, fail)
    case 'service':
    case 'source':
    case 'fingerprint':
      return textPredicate(dialect, sql.ref(`incidents.${field}`), values)
    case 'ticket':
      return ticketPredicate(dialect, values)
    case 'tag':
      return sql<SqlBool>`exists (select 1 from ${tagSet(dialect)} as tags
        where ${textPredicate(dialect, sql.ref('tags.tag'), values)})`
  }
}
