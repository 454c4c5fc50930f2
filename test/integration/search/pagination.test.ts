import { afterEach, beforeEach, expect, it } from 'vitest'

import {
  searchIncidents,
  type SearchOptions,
} from '../../../src/incidents/search/search-incidents.js'
import type { SearchSort } from '../../../src/incidents/search/search-options.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

import { MINUTE, NOW, insertIncident } from './incident-fixtures.js'

const SEVERITIES = ['HIGH', 'MEDIUM', 'LOW'] as const

describeEachDialect('search pagination', (dialect) => {
  let test: TestDatabase

  beforeEach(async () => {
    test = await createTestDatabase(dialect)
    // 37 incidents with deliberate ties in every sort key, so the id must break them.
    for (let i = 0; i < 37; i += 1) {
      await insertIncident(test.database.db, {
        title: i % 2 === 0 ? `even ${i}` : `odd ${i}`,
        severity: SEVERITIES[i % 3],
        count: (i % 5) * 10,
        last_seen_at: NOW - Math.floor(i / 4) * MINUTE,
        first_seen_at: NOW - 100 * MINUTE + (i % 7) * MINUTE,
        activity_at: NOW - Math.floor(i / 3) * MINUTE,
      })
    }
  })

  afterEach(async () => {
    await test.cleanup()
  })

  async function all(options: SearchOptions): Promise<{ ids: number[]; pages: number }> {
    const ids: number[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page = await searchIncidents(test.database, { ...options, cursor }, NOW)
      ids.push(...page.items.map((i) => i.id))
      cursor = page.next
      pages += 1
    } while (cursor !== null && pages < 100)

    return { ids, pages }
  }

  async function expectedOrder(
    sort: SearchSort,
    order: 'asc' | 'desc',
    q?: string,
  ): Promise<number[]> {
    const page = await searchIncidents(test.database, { sort, order, q, limit: 500 }, NOW)

    return page.items.map((i) => i.id)
  }

  for (const sort of ['activity', 'lastSeen', 'firstSeen', 'count', 'severity'] as const) {
    for (const order of ['desc', 'asc'] as const) {
      it(`walks every incident once sorted by ${sort} ${order}`, async () => {
        const { ids, pages } = await all({ sort, order, limit: 5 })
        expect(pages).toBe(8)
        expect(new Set(ids).size).toBe(37)
        expect(ids).toEqual(await expectedOrder(sort, order))
      })
    }
  }

  it('orders by the sort key, then by id', async () => {
    const page = await searchIncidents(test.database, { sort: 'severity', limit: 500 }, NOW)
    const ranks = page.items.map((i) => ({ HIGH: 3, MEDIUM: 2, LOW: 1 })[i.severity])
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a))
    const byCount = await searchIncidents(
      test.database,
      { sort: 'count', order: 'asc', limit: 500 },
      NOW,
    )
    const pairs = byCount.items.map((i) => [i.count, i.id] as const)
    expect(pairs).toEqual([...pairs].sort((a, b) => a[0] - b[0] || a[1] - b[1]))
    const newest = await searchIncidents(test.database, { limit: 3 }, NOW)
    expect(newest.items.map((i) => i.activityAt)).toEqual([
      new Date(NOW).toISOString(),
      new Date(NOW).toISOString(),
      new Date(NOW).toISOString(),
    ])
  })

  it('pages through a filtered search', async () => {
    const { ids } = await all({ q: 'odd', sort: 'count', limit: 4 })
    expect(ids).toEqual(await expectedOrder('count', 'desc', 'odd'))
    expect(ids).toHaveLength(18)
  })

  it('neither repeats nor skips an incident when new ones arrive between pages', async () => {
    const first = await searchIncidents(test.database, { limit: 10 }, NOW)
    await insertIncident(test.database.db, {
      title: 'newer',
      activity_at: NOW + MINUTE,
      last_seen_at: NOW + MINUTE,
    })
    const seen = first.items.map((i) => i.id)
    let cursor = first.next
    while (cursor !== null) {
      const page = await searchIncidents(test.database, { cursor, limit: 10 }, NOW + 2 * MINUTE)
      seen.push(...page.items.map((i) => i.id))
      cursor = page.next
    }
    expect(new Set(seen).size).toBe(37)
    expect(seen).toHaveLength(37)
  })

  it('keeps relative times of the first page on later pages', async () => {
    const first = await searchIncidents(test.database, { q: 'since:5m', limit: 5 }, NOW)
    const all5m = await searchIncidents(test.database, { q: 'since:5m', limit: 500 }, NOW)
    const later = await searchIncidents(
      test.database,
      { q: 'since:5m', limit: 500, cursor: first.next },
      NOW + 60 * MINUTE,
    )
    expect([...first.items, ...later.items].map((i) => i.id)).toEqual(all5m.items.map((i) => i.id))
  })

  it('refuses a cursor from another search, sort or order', async () => {
    const { next } = await searchIncidents(test.database, { q: 'odd', limit: 2 }, NOW)
    expect(next).not.toBeNull()
    for (const options of [
      { q: 'even' },
      { q: 'odd', sort: 'count' },
      { q: 'odd', order: 'asc' },
    ]) {
      await expect(
        searchIncidents(test.database, { ...options, cursor: next }, NOW),
      ).rejects.toMatchObject({
        code: 'CURSOR_INVALID',
        status: 400,
      })
    }
  })

  it('returns no cursor on the last page', async () => {
    const page = await searchIncidents(test.database, { limit: 37 }, NOW)
    expect(page.items).toHaveLength(37)
    expect(page.next).toBeNull()
    const defaults = await searchIncidents(test.database, {}, NOW)
    expect(defaults.items).toHaveLength(37)
  })
})
