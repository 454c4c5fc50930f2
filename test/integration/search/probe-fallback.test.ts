import { afterAll, beforeAll, expect, it } from 'vitest'

import { chooseTextMode } from '../../../src/incidents/search/choose-text-mode.js'
import { compileQuery } from '../../../src/incidents/search/compile-query.js'
import { parseQuery } from '../../../src/incidents/search/parse-query.js'
import { searchIncidents } from '../../../src/incidents/search/search-incidents.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

import { MINUTE, NOW } from './incident-fixtures.js'

/** More incidents than the probe examines (2,000 rows of the sort order), so both paths run. */
const TOTAL = 2600

describeEachDialect('search beyond the probed prefix', (dialect) => {
  let test: TestDatabase

  beforeAll(async () => {
    test = await createTestDatabase(dialect)
    const rows = Array.from({ length: TOTAL }, (_, i) => {
      // Newest first by activity: incident i is i minutes old. Every 500th one is special;
      // another every 500th is an ordinary one whose ticket failed.
      const at = NOW - i * MINUTE
      const special = i % 500 === 499
      const failed = i % 500 === 250

      return {
        fingerprint: `fp-${i}`,
        status: 'open' as const,
        severity: special ? ('HIGH' as const) : ('LOW' as const),
        title: special ? `rare marker ${i}` : `routine ${i}`,
        message: 'm',
        template: 't',
        service: special ? 'rare-svc' : 'common',
        source: 's',
        rule: null,
        tags: '[]',
        first_seen_at: at,
        last_seen_at: at,
        created_at: at,
        activity_at: at,
        updated_at: at,
        count: 1,
        regression_count: 0,
        is_regression: 0,
        status_changed_at: null,
        status_changed_by: null,
        ticket_state: failed ? ('failed' as const) : null,
        ticket_number: null,
        ticket_sys_id: null,
        ticket_error: null,
      }
    })
    for (let i = 0; i < rows.length; i += 200) {
      await test.database.db
        .insertInto('incidents')
        .values(rows.slice(i, i + 200))
        .execute()
    }
  }, 120_000)

  afterAll(async () => {
    await test.cleanup()
  })

  /** The titles of every page of `q`, two incidents a page. */
  async function pages(q: string): Promise<string[]> {
    const titles: string[] = []
    let cursor: string | null = null
    do {
      const page = await searchIncidents(test.database, { q, limit: 2, cursor }, NOW)
      titles.push(...page.items.map((i) => i.title))
      cursor = page.next
    } while (cursor !== null)

    return titles
  }

  it('finds rare matches spread over the whole table, in order, page by page', async () => {
    for (const q of [
      '"rare marker"',
      'service:rare-svc',
      'severity:HIGH',
      'marker severity:HIGH',
    ]) {
      expect(await pages(q), q).toEqual([499, 999, 1499, 1999, 2499].map((i) => `rare marker ${i}`))
    }
  })

  it('finds common text with a rare indexed field past the prefix, driven by the field', async () => {
    const mode = async (q: string) =>
      chooseTextMode(test.database, compileQuery(parseQuery(q), dialect, NOW), null)
    // PostgreSQL's planner weighs both sides itself.
    const fieldsDrive = dialect === 'sqlite' ? 'row' : 'index'
    expect(await mode('routine ticket:failed')).toBe(fieldsDrive)
    expect(await mode('ro ticket:failed')).toBe(fieldsDrive)
    expect(await mode('ro routine ticket:failed')).toBe(fieldsDrive)
    expect(await mode('marker status:open')).toBe('index')
    expect(await mode('ro marker status:open')).toBe('index')
    expect(await mode('marker tag:x')).toBe('index')
    expect(await mode('routine')).toBe('index')

    const failed = [250, 750, 1250, 1750, 2250].map((i) => `routine ${i}`)
    expect(await pages('routine ticket:failed')).toEqual(failed)
    expect(await pages('routine ticket:failed severity:LOW')).toEqual(failed)
    expect(await pages('marker status:open')).toEqual(
      [499, 999, 1499, 1999, 2499].map((i) => `rare marker ${i}`),
    )
    expect(await pages('marker ticket:failed')).toEqual([])
  })

  it('pages through common matches past the probed prefix without gaps', async () => {
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const page = await searchIncidents(test.database, { q: 'routine', limit: 500, cursor }, NOW)
      seen.push(...page.items.map((i) => Number(i.title.split(' ')[1])))
      cursor = page.next
    } while (cursor !== null)
    expect(seen).toHaveLength(TOTAL - 5)
    expect(seen).toEqual([...seen].sort((a, b) => a - b))
  })
})
