import { afterEach, beforeEach, expect, it } from 'vitest'

import { searchBatchMatcher } from '../../../src/alerts/batch-matcher.js'
import { searchMatcher } from '../../../src/alerts/match-incidents.js'
import { matchIncidentsSince } from '../../../src/incidents/search/match-incidents-since.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

import { addIncident, MINUTE, T0 } from './alert-fixtures.js'

const QUERIES = [
  '',
  'timeout',
  '"connection refused"',
  'TIMEOUT service:api',
  'timeout OR refused',
  '-timeout severity:HIGH',
  'severity:>=MEDIUM',
  'since:10m',
  'zebracorn',
]

describeEachDialect('alert matching', (dialect) => {
  let test: TestDatabase

  beforeEach(async () => {
    test = await createTestDatabase(dialect)
    const titles = [
      'ERROR upstream timeout',
      'ERROR connection refused by db',
      'WARN slow query',
      'ERROR Timeout in api',
    ]
    for (let i = 0; i < 24; i += 1) {
      await addIncident(test.database, {
        at: T0 + i * MINUTE,
        title: `${titles[i % 4] ?? ''} #${i}`,
        service: i % 3 === 0 ? 'api' : 'web',
        severity: (['HIGH', 'MEDIUM', 'LOW'] as const)[i % 3],
      })
    }
  })
  afterEach(async () => {
    await test.cleanup()
  })

  it('finds what the search module finds for the same query and window, checking text per row', async () => {
    const matcher = searchMatcher(test.database)
    for (const query of QUERIES) {
      for (const [from, to] of [
        [T0 - 1, T0 + 24 * MINUTE],
        [T0 + 5 * MINUTE, T0 + 12 * MINUTE],
        [T0 + 30 * MINUTE, T0 + 40 * MINUTE],
      ] as const) {
        const ours = await matcher(query, from, to, 1000)
        const theirs = await matchIncidentsSince(test.database, query, from, to, { limit: 1000 })
        expect(
          ours.incidents.map((i) => i.id),
          `${query} ${from}`,
        ).toEqual(theirs.items.map((i) => i.id))
        expect(ours.total).toBe(theirs.total)
      }
    }
    const some = await matcher('timeout', T0 - 1, T0 + 24 * MINUTE, 1000)
    expect(some.total).toBe(12)
  })

  it('answers a batch with shared searches exactly as it answers each request alone', async () => {
    const single = searchMatcher(test.database)
    const to = T0 + 20 * MINUTE
    const requests = QUERIES.flatMap((query) =>
      [T0 - 1, T0 + 5 * MINUTE, T0 + 12 * MINUTE, to].map((from) => ({ query, from, to })),
    )

    const batch = await searchBatchMatcher(test.database)(requests, 3)

    for (const [i, request] of requests.entries()) {
      const alone = await single(request.query, request.from, request.to, 3)
      expect(batch[i], `${request.query} ${request.from}`).toEqual(alone)
    }
    expect(batch.filter((r) => !(r instanceof Error) && r.total > 3).length).toBeGreaterThan(0)
  })
})
