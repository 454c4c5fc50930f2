import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { isAppError } from '../../errors/app-error.js'

import type { QueryNode } from './ast.js'
import { MAX_QUERY_DEPTH, parseQuery } from './parse-query.js'

/** A compact rendering of a tree, to compare shapes at a glance. */
function show(node: QueryNode | null): string {
  if (node === null) return '∅'
  switch (node.kind) {
    case 'text':
      return JSON.stringify(node.value)
    case 'field': {
      const op = node.op === '=' ? ':' : `:${node.op}`

      return `${node.field}${op}${node.quoted ? JSON.stringify(node.value) : node.value}`
    }
    case 'not':
      return `NOT(${show(node.child)})`
    case 'and':
      return `AND(${node.children.map(show).join(' ')})`
    case 'or':
      return `OR(${node.children.map(show).join(' ')})`
  }
}

function failure(query: string): { message: string; details: unknown } {
  try {
    parseQuery(query)
  } catch (error) {
    if (!isAppError(error)) throw error
    expect(error.code).toBe('QUERY_INVALID')
    expect(error.status).toBe(400)

    return { message: error.message, details: error.details }
  }
  throw new Error(`expected ${JSON.stringify(query)} to fail`)
}

describe('parseQuery', () => {
  it('returns null for an empty or blank query', () => {
    expect(parseQuery('')).toBeNull()
    expect(parseQuery('  \t\n ')).toBeNull()
  })

  it('reads words, phrases and escapes inside phrases', () => {
    expect(show(parseQuery('timeout'))).toBe('"timeout"')
    expect(show(parseQuery('"connection refused"'))).toBe('"connection refused"')
    expect(show(parseQuery('"say \\"hi\\" \\\\ now"'))).toBe('"say \\"hi\\" \\\\ now"')
    expect(show(parseQuery('"a\\nb"'))).toBe('"a\\\\nb"')
  })

  it('joins terms with an implicit AND that binds tighter than OR', () => {
    expect(show(parseQuery('a b OR c'))).toBe('OR(AND("a" "b") "c")')
    expect(show(parseQuery('a AND b OR c AND d'))).toBe('OR(AND("a" "b") AND("c" "d"))')
    expect(show(parseQuery('a (b OR c)'))).toBe('AND("a" OR("b" "c"))')
  })

  it('negates with a leading minus and with NOT', () => {
    expect(show(parseQuery('-timeout'))).toBe('NOT("timeout")')
    expect(show(parseQuery('a NOT b'))).toBe('AND("a" NOT("b"))')
    expect(show(parseQuery('-(a OR b)'))).toBe('NOT(OR("a" "b"))')
    expect(show(parseQuery('--a'))).toBe('NOT(NOT("a"))')
    expect(show(parseQuery('-service:api'))).toBe('NOT(service:api)')
  })

  it('keeps a minus inside a word, a lone minus and lower-case keywords as text', () => {
    expect(show(parseQuery('a - b'))).toBe('AND("a" "-" "b")')
    expect(show(parseQuery('re-try and or not'))).toBe('AND("re-try" "and" "or" "not")')
  })

  it('reads field terms with comparisons, lists, wildcards and quoted values', () => {
    expect(show(parseQuery('count:>100'))).toBe('count:>100')
    expect(show(parseQuery('count:>=5 count:<=9 count:<3 count:=2'))).toBe(
      'AND(count:>=5 count:<=9 count:<3 count:2)',
    )
    expect(show(parseQuery('service:api,web'))).toBe('service:api,web')
    expect(show(parseQuery('source:*/api.log'))).toBe('source:*/api.log')
    expect(show(parseQuery('service:"billing api"'))).toBe('service:"billing api"')
    expect(show(parseQuery('Severity:HIGH'))).toBe('severity:HIGH')
    expect(show(parseQuery('(status:open)'))).toBe('status:open')
    expect(show(parseQuery('from:2026-12-01T10:00:00+01:00'))).toBe(
      'from:2026-12-01T10:00:00+01:00',
    )
  })

  it('treats a colon after something other than a name as text', () => {
    expect(show(parseQuery('10.0.0.1:5432'))).toBe('"10.0.0.1:5432"')
    expect(show(parseQuery('"http://x"'))).toBe('"http://x"')
  })

  it('records the offset of each term', () => {
    const node = parseQuery('a  service:api')
    expect(node?.kind).toBe('and')
    const children = node?.kind === 'and' ? node.children : []
    expect(
      children.map((c) => (c.kind === 'field' || c.kind === 'text' ? c.position : -1)),
    ).toEqual([0, 3])
  })

  it('reports what was expected and where', () => {
    expect(failure('(a OR b').message).toBe('expected ")" to close the "(" at 0 at 7')
    expect(failure('(a OR b').details).toEqual({ position: 7, expected: ')' })
    expect(failure('a OR').message).toBe('expected a term at 4')
    expect(failure('a )').message).toBe('unexpected ")" at 2')
    expect(failure('OR a').message).toBe('expected a term before "OR" at 0')
    expect(failure('a AND AND b').message).toBe('expected a term before "AND" at 6')
    expect(failure('"abc').message).toBe("unterminated phrase opened at 0: expected '\"' at 4")
    expect(failure('a ""').message).toBe('empty phrase: expected text between the quotes at 2')
    expect(failure('service: x').message).toBe('expected a value after "service:" at 8')
    expect(failure('count:> 5').message).toBe('expected a value after "count:>" at 7')
    expect(failure('(a -)').message).toBe('expected a term before ")" at 4')
    expect(failure('()').message).toBe('expected a term before ")" at 1')
  })

  it('names an unknown field and lists the known ones', () => {
    const { message, details } = failure('level:error')
    expect(message).toMatchInlineSnapshot(
      '"unknown field "level": known fields are severity, status, service, source, ticket, ' +
        'fingerprint, tag, count, id, since, from, to; put text that contains ":" in quotes to ' +
        'search for it at 0"',
    )
    expect(details).toEqual({ position: 0, expected: 'a known field' })
  })

  it('refuses control characters, lone surrogates and over-long queries', () => {
    expect(failure('abc\u0000def').message).toBe('control character U+0000 is not allowed at 3')
    expect(failure('a\u001bb').message).toBe('control character U+001B is not allowed at 1')
    expect(failure('x \ud800').message).toBe('invalid unicode (a lone surrogate) at 2')
    expect(failure('a'.repeat(10_240)).message).toBe(
      'query is 10240 characters long; the limit is 2000',
    )
    expect(failure(Array.from({ length: 101 }, (_, i) => `t${i}`).join(' ')).message).toBe(
      'query has 101 terms; the limit is 100',
    )
  })

  it('limits nesting depth', () => {
    const deep = '('.repeat(MAX_QUERY_DEPTH + 1) + 'a' + ')'.repeat(MAX_QUERY_DEPTH + 1)
    expect(failure(deep).message).toBe(
      `nesting is deeper than ${MAX_QUERY_DEPTH} levels at ${MAX_QUERY_DEPTH}`,
    )
    expect(failure('-'.repeat(40) + 'a').message).toMatch(/^nesting is deeper than 32 levels at/)
    const ok = '('.repeat(MAX_QUERY_DEPTH) + 'a' + ')'.repeat(MAX_QUERY_DEPTH)
    expect(show(parseQuery(ok))).toBe('"a"')
  })

  it('accepts unicode text', () => {
    expect(show(parseQuery('Überweisung "ошибка базы" 数据库 🔥'))).toBe(
      'AND("Überweisung" "ошибка базы" "数据库" "🔥")',
    )
  })

  it('either parses or fails with QUERY_INVALID for any input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (query) => {
        try {
          parseQuery(query)
        } catch (error) {
          expect(isAppError(error) && error.code === 'QUERY_INVALID' && error.status === 400).toBe(
            true,
          )
        }
      }),
      { numRuns: 2000 },
    )
  })
})
