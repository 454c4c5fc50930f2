import { sql, type RawBuilder, type SqlBool } from 'kysely'

import type { DialectName } from '../../db/dialect.js'

import type { FieldNode, QueryNode } from './ast.js'
import {
  fieldPredicate,
  servedByIndex,
  type FieldValue,
  type FilterField,
} from './field-predicate.js'
import { queryError } from './query-error.js'
import { textMatch, type TextMode } from './text-sql.js'
import { parseDuration, parseTime } from './time-value.js'

/** Bounds of a time window in epoch ms; null means open on that side. */
export interface TimeWindow {
  from: number | null
  to: number | null
}

/** A query turned into SQL: the filter (null: everything) and the time window it names. */
export interface CompiledQuery {
  filter: RawBuilder<SqlBool> | null
  window: TimeWindow
  /** The text terms every match must contain (the top-level ones), for estimates. */
  texts: string[]
  /** The top-level field conditions that an index serves (part of `filter`), for estimates. */
  indexed: RawBuilder<SqlBool>[]
}

const TIME_FIELDS = new Set(['since', 'from', 'to'])
/** Most values in one `field:a,b,c` list. */
const MAX_LIST = 100

function isTime(node: QueryNode): node is FieldNode {
  return node.kind === 'field' && TIME_FIELDS.has(node.field)
}

/** The terms joined by AND at the top of the tree, looking through nested ANDs. */
function conjuncts(node: QueryNode): QueryNode[] {
  return node.kind === 'and' ? node.children.flatMap(conjuncts) : [node]
}

function splitValues(node: FieldNode): FieldValue[] {
  if (node.quoted) return [{ text: node.value, wildcard: false }]

  const parts = node.value.split(',')
  if (parts.length > MAX_LIST) {
    throw queryError(`${node.field}: lists hold at most ${MAX_LIST} values`, node.valuePosition)
  }
  if (parts.some((p) => p === '')) {
    throw queryError(
      `${node.field}: empty value in the list "${node.value}"`,
      node.valuePosition,
      'a value',
    )
  }

  return parts.map((text) => ({ text, wildcard: text.includes('*') }))
}

function applyTime(node: FieldNode, window: TimeWindow, now: number): void {
  const fail = (expected: string): never => {
    throw queryError(
      `${node.field}: cannot read "${node.value}" as a time`,
      node.valuePosition,
      expected,
    )
  }
  if (node.op !== '=') fail('a time without a comparison (use from: and to:)')

  let from: number | null = null
  let to: number | null = null
  if (node.field === 'since') {
    const duration = parseDuration(node.value)
    from = duration === null ? parseTime(node.value, now) : now - duration
    if (from === null) fail('a duration like 24h or 7d, or a time')
  } else if (node.field === 'from') {
    from = parseTime(node.value, now) ?? fail('an ISO time, now-1h or -7d')
  } else {
    to = parseTime(node.value, now, true) ?? fail('an ISO time, now-1h or -7d')
  }
  if (from !== null) window.from = window.from === null ? from : Math.max(window.from, from)
  if (to !== null) window.to = window.to === null ? to : Math.min(window.to, to)
}

class Compiler {
  readonly #dialect: DialectName
  readonly #mode: TextMode

  constructor(dialect: DialectName, mode: TextMode) {
    this.#dialect = dialect
    this.#mode = mode
  }

  compile(node: QueryNode): RawBuilder<SqlBool> {
    switch (node.kind) {
      case 'text':
        return textMatch(this.#dialect, node.value, this.#mode)
      case 'field':
        return this.#field(node)
      case 'not':
        return sql<SqlBool>`not (${this.compile(node.child)})`
      case 'and':
        return sql<SqlBool>`(${sql.join(
          node.children.map((c) => this.compile(c)),
          sql` and `,
        )})`
      case 'or':
        return sql<SqlBool>`(${sql.join(
          node.children.map((c) => this.compile(c)),
          sql` or `,
        )})`
    }
  }

  #field(node: FieldNode): RawBuilder<SqlBool> {
    if (TIME_FIELDS.has(node.field)) {
      throw queryError(
        `${node.field}: time qualifiers apply to the whole query; move it out of parentheses, OR and negation`,
        node.position,
        'a time qualifier at the top level',
      )
    }
    const fail = (message: string, expected: string): never => {
      throw queryError(message, node.valuePosition, expected)
    }

    return fieldPredicate(
      this.#dialect,
      node.field as FilterField,
      node.op,
      splitValues(node),
      fail,
    )
  }
}

/**
 * Compiles a parsed query for `dialect`. Time qualifiers (`since:`, `from:`, `to:`) must sit
 * at the top level of the query and combine into one window, resolved against `now` (epoch ms).
 * `mode` chooses how text terms are evaluated (see TextMode); `texts` and `indexed` let the
 * caller estimate which side of the query selects fewer incidents.
 */
export function compileQuery(
  node: QueryNode | null,
  dialect: DialectName,
  now: number,
  mode: TextMode = 'index',
): CompiledQuery {
  const window: TimeWindow = { from: null, to: null }
  if (node === null) return { filter: null, window, texts: [], indexed: [] }

  const top = conjuncts(node)
  for (const child of top.filter(isTime)) applyTime(child, window, now)
  if (window.from !== null && window.to !== null && window.from > window.to) {
    const first = top.find(isTime)
    throw queryError(
      'the time window ends before it starts',
      first?.position ?? 0,
      'from before to',
    )
  }

  const rest: QueryNode[] = top.filter((child) => !isTime(child))
  const compiler = new Compiler(dialect, mode)
  const parts = rest.map((child) => compiler.compile(child))
  const filter = parts.length === 0 ? null : sql<SqlBool>`${sql.join(parts, sql` and `)}`
  const texts = rest.flatMap((child) => (child.kind === 'text' ? [child.value] : []))
  const indexed = parts.filter((_, i) => {
    const child = rest[i]

    return (
      child?.kind === 'field' &&
      servedByIndex(child.field as FilterField, child.op, splitValues(child))
    )
  })

  return { filter, window, texts, indexed }
}
