import type { QueryNode } from './ast.js'
import { queryError, queryLimitError } from './query-error.js'
import { tokenize, type Token } from './tokenizer.js'

/** Longest query accepted, in characters. */
export const MAX_QUERY_LENGTH = 2000
/** Deepest nesting of parentheses and negations. */
export const MAX_QUERY_DEPTH = 32
/** Most terms (text and field:value) in one query. */
export const MAX_QUERY_TERMS = 100

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

function checkCharacters(query: string): void {
  for (let i = 0; i < query.length; i += 1) {
    const code = query.charCodeAt(i)
    // Tab, line feed and carriage return are whitespace; other control characters are refused.
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0')
      throw queryError(`control character U+${hex} is not allowed`, i, 'text')
    }
  }

  const surrogate = LONE_SURROGATE.exec(query)
  if (surrogate !== null) throw queryError('invalid unicode (a lone surrogate)', surrogate.index)
}

class Parser {
  #tokens: Token[]
  #index = 0
  #end: number

  constructor(tokens: Token[], length: number) {
    this.#tokens = tokens
    this.#end = length
  }

  parse(): QueryNode {
    const node = this.#or(0)
    const extra = this.#peek()
    if (extra !== undefined) {
      throw queryError(`unexpected "${describe(extra)}"`, extra.position, 'a term or the end')
    }

    return node
  }

  #peek(): Token | undefined {
    return this.#tokens[this.#index]
  }

  #here(): number {
    return this.#peek()?.position ?? this.#end
  }

  #or(depth: number): QueryNode {
    const children = [this.#and(depth)]
    while (this.#peek()?.type === 'or') {
      this.#index += 1
      children.push(this.#and(depth))
    }

    return children.length === 1 ? (children[0] as QueryNode) : { kind: 'or', children }
  }

  #and(depth: number): QueryNode {
    const children = [this.#unary(depth)]
    for (;;) {
      const next = this.#peek()
      if (next === undefined || next.type === 'or' || next.type === 'rparen') break
      if (next.type === 'and') this.#index += 1
      children.push(this.#unary(depth))
    }

    return children.length === 1 ? (children[0] as QueryNode) : { kind: 'and', children }
  }

  #unary(depth: number): QueryNode {
    const token = this.#peek()
    if (token?.type !== 'not') return this.#primary(depth)

    if (depth >= MAX_QUERY_DEPTH) {
      throw queryError(`nesting is deeper than ${MAX_QUERY_DEPTH} levels`, token.position)
    }
    this.#index += 1
    const child = this.#unary(depth + 1)

    return { kind: 'not', child, position: token.position }
  }

  #primary(depth: number): QueryNode {
    const token = this.#peek()
    if (token === undefined) throw queryError('expected a term', this.#end, 'a term')
    if (token.type === 'term') {
      this.#index += 1

      return token.node
    }
    if (token.type !== 'lparen') {
      throw queryError(`expected a term before "${describe(token)}"`, token.position, 'a term')
    }
    if (depth >= MAX_QUERY_DEPTH) {
      throw queryError(`nesting is deeper than ${MAX_QUERY_DEPTH} levels`, token.position)
    }

    this.#index += 1
    const inner = this.#or(depth + 1)
    if (this.#peek()?.type !== 'rparen') {
      throw queryError(`expected ")" to close the "(" at ${token.position}`, this.#here(), ')')
    }
    this.#index += 1

    return inner
  }
}

function describe(token: Token): string {
  return token.type === 'term' ? 'term' : token.text
}

/**
 * Parses the search language into a tree; an empty query gives `null` (everything matches).
 * Syntax errors are AppError QUERY_INVALID (400) naming the 0-based offset and what was expected.
 */
export function parseQuery(query: string): QueryNode | null {
  if (query.length > MAX_QUERY_LENGTH) {
    throw queryLimitError(
      `query is ${query.length} characters long; the limit is ${MAX_QUERY_LENGTH}`,
    )
  }
  checkCharacters(query)

  const tokens = tokenize(query)
  if (tokens.length === 0) return null

  const terms = tokens.filter((t) => t.type === 'term').length
  if (terms > MAX_QUERY_TERMS) {
    throw queryLimitError(`query has ${terms} terms; the limit is ${MAX_QUERY_TERMS}`)
  }

  return new Parser(tokens, query.length).parse()
}
