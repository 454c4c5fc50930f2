import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { searchIncidents } from '../../../src/incidents/search/search-incidents.js'
import { createTestDatabase, postgresUrl, type TestDatabase } from '../../helpers/databases.js'

import { HOUR, NOW, insertIncident } from './incident-fixtures.js'

/** Words with case, accents, scripts, symbols and LIKE metacharacters, to stress matching rules. */
const WORDS = [
  'Timeout',
  'timeout',
  'TIMEOUT',
  'Überweisung',
  'überweisung',
  'ÉCHEC',
  'échec',
  'Ошибка',
  'ошибка',
  'Σφάλμα',
  'σφάλμα',
  '数据库',
  '🔥',
  'ǅemal',
  'İstanbul',
  'straße',
  'STRASSE',
  '100%',
  'user_id',
  'C:\\temp',
  'a*b',
  '[x]',
  "it's",
  '"quoted"',
  'foo-bar',
  'db',
  'db1',
  'ß',
  'ﬁle',
  'naïve',
]
const SERVICES = ['api', 'API', 'api-gw', 'billing', 'bill_ing', 'pay%s', 'ünï']
const SEVERITIES = ['HIGH', 'MEDIUM', 'LOW'] as const
const STATUSES = ['open', 'acknowledged', 'resolved', 'ignored'] as const

function seededWords(seed: number, n: number): string {
  let x = seed
  const out: string[] = []
  for (let i = 0; i < n; i += 1) {
    x = (x * 1103515245 + 12345) % 2147483648
    out.push(WORDS[x % WORDS.length] as string)
  }

  return out.join(' ')
}

const FIXED_QUERIES = [
  'timeout',
  'TIMEOUT',
  'überweisung',
  'Überweisung',
  'ÜBERWEISUNG',
  'échec',
  'ÉCHEC',
  'ошибка',
  'Ошибка',
  'σφάλμα',
  '数据库',
  '🔥',
  'ǆemal',
  'i̇stanbul',
  'istanbul',
  'strasse',
  'straße',
  'ss',
  '%',
  '_',
  '\\',
  '"100%"',
  'user_id',
  '"a*b"',
  '[x]',
  "it's",
  '"\\"quoted\\""',
  'foo-bar',
  'db',
  'd',
  'ﬁ',
  'fi',
  'naïve',
  'service:api',
  'service:API',
  'service:api*',
  'service:*_*',
  'service:pay%s',
  'service:ünï',
  'service:*ï',
  'tag:db',
  'tag:DB',
  'tag:d*',
  'severity:>=MEDIUM timeout',
  '-timeout -ошибка',
  '(db OR 🔥) -severity:LOW',
  'count:>50',
  'since:12h',
  'from:-20h to:-10h',
  'ticket:none',
  'ticket:INC*',
  'status:open,ack',
]

describe.skipIf(postgresUrl() === null)('dialect parity', () => {
  let sqlite: TestDatabase
  let postgres: TestDatabase

  beforeAll(async () => {
    sqlite = await createTestDatabase('sqlite')
    postgres = await createTestDatabase('postgres')
    for (let i = 1; i <= 120; i += 1) {
      const seed = {
        title: seededWords(i, 3),
        message: seededWords(i * 7, 5),
        template: seededWords(i * 13, 2),
        service: SERVICES[i % SERVICES.length],
        severity: SEVERITIES[i % 3],
        status: STATUSES[i % 4],
        count: (i * 37) % 100,
        tags: JSON.stringify(
          i % 4 === 0 ? (['db', 'DB'][i % 2] ?? 'db') : i % 5 === 0 ? ['dns'] : [],
        ),
        ticket_state: i % 6 === 0 ? ('created' as const) : null,
        ticket_number: i % 6 === 0 ? `INC${1000 + i}` : null,
        last_seen_at: NOW - (i % 24) * HOUR,
        first_seen_at: NOW - (i % 24) * HOUR - (i % 5) * HOUR,
        samples: [seededWords(i * 31, 4), seededWords(i * 37, 4)],
      }
      await insertIncident(sqlite.database.db, seed)
      await insertIncident(postgres.database.db, seed)
    }
  })

  afterAll(async () => {
    await sqlite.cleanup()
    await postgres.cleanup()
  })

  async function both(q: string): Promise<[number[] | string, number[] | string]> {
    const run = async (test: TestDatabase): Promise<number[] | string> => {
      try {
        const page = await searchIncidents(test.database, { q, limit: 500 }, NOW)

        return page.items.map((i) => i.id)
      } catch (error) {
        return (error as Error).message
      }
    }

    return [await run(sqlite), await run(postgres)]
  }

  it('inserted the same rows in both databases', async () => {
    const [a, b] = await both('')
    expect(a).toHaveLength(120)
    expect(a).toEqual(b)
  })

  for (const q of FIXED_QUERIES) {
    it(`returns the same incidents for ${q}`, async () => {
      const [a, b] = await both(q)
      expect(a).toEqual(b)
    })
  }

  it('finds incidents for most of the fixed queries (the comparison is not between empty lists)', async () => {
    let nonEmpty = 0
    for (const q of FIXED_QUERIES) {
      const [a] = await both(q)
      if (Array.isArray(a) && a.length > 0) nonEmpty += 1
    }
    expect(nonEmpty).toBeGreaterThan(FIXED_QUERIES.length * 0.6)
  })

  it('returns the same incidents for generated combinations', async () => {
    const term = fc.oneof(
      fc.constantFrom(...WORDS).map((w) => `"${w.replace(/["\\]/g, (c) => `\\${c}`)}"`),
      fc
        .string({ minLength: 1, maxLength: 4 })
        .map((s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`),
      fc.constantFrom(...SERVICES).map((s) => `service:"${s}"`),
    )
    const query = fc
      .array(fc.tuple(fc.boolean(), term), { minLength: 1, maxLength: 3 })
      .chain((terms) =>
        fc
          .constantFrom(' ', ' OR ')
          .map((join) => terms.map(([neg, t]) => (neg ? `-${t}` : t)).join(join)),
      )
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const [a, b] = await both(q)
        expect(a).toEqual(b)
      }),
      { numRuns: 150 },
    )
  })
})
