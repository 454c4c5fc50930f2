import {
  QUERY_FIELDS,
  type Comparison,
  type FieldNode,
  type QueryField,
  type TextNode,
} from './ast.js'
import { queryError } from './query-error.js'

/** One lexical unit of a query. `not` comes from both `-term` and the keyword `NOT`. */
export type Token =
  | { type: 'lparen' | 'rparen' | 'and' | 'or' | 'not'; position: number; text: string }
  | { type: 'term'; position: number; node: TextNode | FieldNode }

const FIELD_NAME = /^[A-Za-z_]+$/
const KNOWN = new Set<string>(QUERY_FIELDS)
const KEYWORDS: Readonly<Record<string, 'and' | 'or' | 'not'>> = {
  AND: 'and',
  OR: 'or',
  NOT: 'not',
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || /\s/u.test(c)
}

/** Where a bare word or value ends: whitespace, a parenthesis or a quote. */
function isBreak(c: string): boolean {
  return c === '(' || c === ')' || c === '"' || isSpace(c)
}

/** Reads a quoted phrase starting at the opening quote; `\"` and `\\` are escapes. */
function readPhrase(query: string, start: number): { value: string; end: number } {
  let value = ''
  let i = start + 1
  while (i < query.length) {
    const c = query.charAt(i)
    if (c === '"') return { value, end: i + 1 }
    if (c === '\\' && (query[i + 1] === '"' || query[i + 1] === '\\')) {
      value += query.charAt(i + 1)
      i += 2
      continue
    }
    value += c
    i += 1
  }

  throw queryError(`unterminated phrase opened at ${start}: expected '"'`, query.length, '"')
}

function readBare(query: string, start: number): number {
  let i = start
  while (i < query.length && !isBreak(query.charAt(i))) i += 1

  return i
}

function readComparison(query: string, start: number): { op: Comparison; end: number } {
  const two = query.slice(start, start + 2)
  if (two === '>=' || two === '<=') return { op: two, end: start + 2 }

  const one = query.charAt(start)
  if (one === '>' || one === '<' || one === '=') return { op: one, end: start + 1 }

  return { op: '=', end: start }
}

function unknownField(name: string, position: number): never {
  throw queryError(
    `unknown field "${name}": known fields are ${QUERY_FIELDS.join(', ')}; ` +
      'put text that contains ":" in quotes to search for it',
    position,
    'a known field',
  )
}

/** Reads `field:value` whose name ends at `colon`. */
function readField(query: string, start: number, colon: number): { node: FieldNode; end: number } {
  const name = query.slice(start, colon).toLowerCase()
  if (!KNOWN.has(name)) unknownField(query.slice(start, colon), start)

  const { op, end: opEnd } = readComparison(query, colon + 1)
  const quoted = query.charAt(opEnd) === '"'
  let value: string
  let end: number
  if (quoted) {
    ;({ value, end } = readPhrase(query, opEnd))
  } else {
    end = readBare(query, opEnd)
    value = query.slice(opEnd, end)
  }
  if (value === '') {
    throw queryError(`expected a value after "${query.slice(start, opEnd)}"`, opEnd, 'a value')
  }

  const field = name as QueryField
  const node: FieldNode = {
    kind: 'field',
    field,
    op,
    value,
    quoted,
    position: start,
    valuePosition: opEnd,
  }

  return { node, end }
}

/**
 * Splits a query into tokens. Words are separated by whitespace; `(`, `)` and `"` also end a
 * word. A word whose part before the first `:` is a name of letters is a field term.
 */
export function tokenize(query: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < query.length) {
    const c = query.charAt(i)
    if (isSpace(c)) {
      i += 1
      continue
    }
    if (c === '(' || c === ')') {
      tokens.push({ type: c === '(' ? 'lparen' : 'rparen', position: i, text: c })
      i += 1
      continue
    }
    if (c === '-' && i + 1 < query.length && !isSpace(query.charAt(i + 1))) {
      tokens.push({ type: 'not', position: i, text: '-' })
      i += 1
      continue
    }
    if (c === '"') {
      const { value, end } = readPhrase(query, i)
      if (value === '')
        throw queryError('empty phrase: expected text between the quotes', i, 'text')

      tokens.push({ type: 'term', position: i, node: { kind: 'text', value, position: i } })
      i = end
      continue
    }

    const end = readBare(query, i)
    const word = query.slice(i, end)
    const keyword = KEYWORDS[word]
    const colon = word.indexOf(':')
    if (keyword !== undefined) {
      tokens.push({ type: keyword, position: i, text: word })
      i = end
    } else if (colon > 0 && FIELD_NAME.test(word.slice(0, colon))) {
      const field = readField(query, i, i + colon)
      tokens.push({ type: 'term', position: i, node: field.node })
      i = field.end
    } else {
      tokens.push({ type: 'term', position: i, node: { kind: 'text', value: word, position: i } })
      i = end
    }
  }

  return tokens
}
