import { afterAll, beforeAll, expect, it } from 'vitest'

import { isAppError } from '../../../src/errors/app-error.js'
import {
  searchIncidents,
  type SearchOptions,
} from '../../../src/incidents/search/search-incidents.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

import { NOW, insertIncident } from './incident-fixtures.js'

interface Outcome {
  status: number
  code: string
  message: string
  ids: number[]
}

describeEachDialect('hostile search input', (dialect) => {
  let test: TestDatabase
  const ids: Record<string, number> = {}

  async function attempt(options: SearchOptions): Promise<Outcome> {
    try {
      const page = await searchIncidents(test.database, { limit: 500, ...options }, NOW)

      return {
        status: 200,
        code: '',
        message: '',
        ids: page.items.map((i) => i.id).sort((a, b) => a - b),
      }
    } catch (error) {
      if (!isAppError(error)) throw error

      return { status: error.status, code: error.code, message: error.message, ids: [] }
    }
  }

  beforeAll(async () => {
    test = await createTestDatabase(dialect)
    const db = test.database.db
    ids.percent = await insertIncident(db, { title: 'progress 100% done', message: 'a' })
    ids.underscore = await insertIncident(db, { title: 'column user_id missing', message: 'b' })
    ids.backslash = await insertIncident(db, { title: 'path C:\\logs\\app', message: 'c' })
    ids.quote = await insertIncident(db, {
      title: "it's O'Reilly; DROP TABLE incidents",
      message: 'd',
    })
    ids.plain = await insertIncident(db, { title: 'plain words only', message: 'e' })
  })

  afterAll(async () => {
    await test.cleanup()
  })

  it('treats SQL in free text as text', async () => {
    // `' OR 1=1--` is the text "'" OR the text "1=1--": only the title with an apostrophe matches.
    expect(await attempt({ q: "' OR 1=1--" })).toMatchObject({ status: 200, ids: [ids.quote] })
    for (const q of [
      "'; DROP TABLE incidents; --",
      '" OR ""="',
      "x' UNION SELECT * FROM accounts--",
      "1' AND sleep(5)#",
    ]) {
      expect(await attempt({ q })).toMatchObject({ status: 200, ids: [] })
    }
    expect(await attempt({ q: '1) OR (1=1' })).toMatchObject({
      status: 400,
      message: 'unexpected ")" at 1',
    })
    expect((await attempt({ q: '"DROP TABLE incidents"' })).ids).toEqual([ids.quote])
    expect((await attempt({ q: "O'Reilly;" })).ids).toEqual([ids.quote])
    const count = await test.database.db
      .selectFrom('incidents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(count.n).toBe(5)
  })

  it('matches LIKE wildcards and the escape character literally', async () => {
    expect((await attempt({ q: '%' })).ids).toEqual([ids.percent])
    expect((await attempt({ q: '"100%"' })).ids).toEqual([ids.percent])
    expect((await attempt({ q: '_' })).ids).toEqual([ids.underscore])
    expect((await attempt({ q: 'r_i' })).ids).toEqual([ids.underscore])
    expect((await attempt({ q: '\\' })).ids).toEqual([ids.backslash])
    expect((await attempt({ q: '"C:\\\\logs"' })).ids).toEqual([ids.backslash])
    expect((await attempt({ q: '%%' })).ids).toEqual([])
    expect((await attempt({ q: 'service:%' })).ids).toEqual([])
    expect((await attempt({ q: 'service:_pi' })).ids).toEqual([])
    expect((await attempt({ q: 'service:a?i' })).ids).toEqual([])
    expect((await attempt({ q: 'service:[a]pi' })).ids).toEqual([])
    expect((await attempt({ q: 'service:a*' })).ids).toHaveLength(5)
  })

  it('answers unbalanced quotes and parentheses with a 400 that says what is wrong', async () => {
    const cases: [string, string][] = [
      ['"unterminated', "unterminated phrase opened at 0: expected '\"' at 13"],
      ['(a OR b', 'expected ")" to close the "(" at 0 at 7'],
      ['a)', 'unexpected ")" at 1'],
      ['((a)', 'expected ")" to close the "(" at 0 at 4'],
      ['service:"api', "unterminated phrase opened at 8: expected '\"' at 12"],
    ]
    for (const [q, message] of cases) {
      expect(await attempt({ q })).toEqual({ status: 400, code: 'QUERY_INVALID', message, ids: [] })
    }
  })

  it('answers bad field values with a 400 naming the value and what was expected', async () => {
    const cases: [string, RegExp][] = [
      ['severity:urgent', /^unknown severity "urgent" at 9$/],
      ['status:closed', /^unknown status "closed" at 7$/],
      ['count:>lots', /^count: "lots" is not a whole number at 7$/],
      ['count:99999999999999999', /is not a whole number/],
      ['status:>open', /^status: does not support ">"/],
      ['severity:HI*', /does not take "\*" wildcards/],
      ['since:yesterday', /^since: cannot read "yesterday" as a time at 6$/],
      ['from:2026-02-30', /^from: cannot read "2026-02-30" as a time/],
      ['from:-1d to:-2d', /^the time window ends before it starts at 0$/],
      ['-(a since:1h)', /^since: time qualifiers apply to the whole query/],
      ['-since:1h', /time qualifiers apply to the whole query/],
      ['a OR since:1h', /time qualifiers apply to the whole query/],
      ['service:a,,b', /empty value in the list/],
      ['nosuch:x', /^unknown field "nosuch": known fields are severity, status/],
    ]
    for (const [q, pattern] of cases) {
      const outcome = await attempt({ q })
      expect(outcome.status, q).toBe(400)
      expect(outcome.code).toBe('QUERY_INVALID')
      expect(outcome.message).toMatch(pattern)
    }
  })

  it('refuses over-long queries, control characters and NUL with a 400', async () => {
    const long = await attempt({ q: 'x'.repeat(10 * 1024) })
    expect(long).toMatchObject({
      status: 400,
      message: 'query is 10240 characters long; the limit is 2000',
    })
    expect(await attempt({ q: 'abc\u0000' })).toMatchObject({
      status: 400,
      message: 'control character U+0000 is not allowed at 3',
    })
    expect(await attempt({ q: '\u0007bell' })).toMatchObject({ status: 400, code: 'QUERY_INVALID' })
    expect((await attempt({ q: '('.repeat(40) })).status).toBe(400)
  })

  it('searches unicode without errors', async () => {
    for (const q of ['ünïcødé', '🔥🔥', '"日本語 テキスト"', 'Ω', '\u200b', 'a\u0301']) {
      expect(await attempt({ q })).toEqual({ status: 200, code: '', message: '', ids: [] })
    }
  })

  it('answers bad options and cursors with a 400 naming the field', async () => {
    const cases: [SearchOptions, string, string][] = [
      [{ limit: 501 }, 'VALIDATION_FAILED', 'limit: expected a whole number from 1 to 500'],
      [{ limit: 0 }, 'VALIDATION_FAILED', 'limit: expected a whole number from 1 to 500'],
      [{ limit: '5; drop' }, 'VALIDATION_FAILED', 'limit: expected a whole number from 1 to 500'],
      [
        { sort: 'title' },
        'VALIDATION_FAILED',
        'sort: expected one of activity, lastSeen, firstSeen, count, severity',
      ],
      [{ order: 'sideways' }, 'VALIDATION_FAILED', 'order: expected asc or desc'],
      [
        { severity: 'CRITICAL' },
        'VALIDATION_FAILED',
        'severity: unknown severity "CRITICAL"; expected HIGH, MEDIUM, LOW',
      ],
      [
        { status: 'gone' },
        'VALIDATION_FAILED',
        'status: unknown status "gone"; expected open, acknowledged, resolved, ignored',
      ],
      [
        { from: 'last tuesday' },
        'VALIDATION_FAILED',
        'from: cannot read "last tuesday" as a time; expected ISO 8601, now-1h or -7d',
      ],
      [
        { from: 'now', to: '-1d' },
        'VALIDATION_FAILED',
        'from: the time window ends before it starts',
      ],
      [
        { cursor: "' OR 1=1--" },
        'CURSOR_INVALID',
        'cursor is not valid: unexpected characters; start again without it',
      ],
      [
        { cursor: 'eyJrIjpbMSwyXX0' },
        'CURSOR_INVALID',
        'cursor is not valid: it belongs to a different search or sort order; start again without it',
      ],
    ]
    for (const [options, code, message] of cases) {
      expect(await attempt(options)).toEqual({ status: 400, code, message, ids: [] })
    }
  })
})
