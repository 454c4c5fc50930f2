import { sql } from 'kysely'
import { afterEach, beforeEach, expect, it } from 'vitest'

import { refreshSearchDocuments } from '../../../src/db/migrations/003-search.js'
import { searchIncidents } from '../../../src/incidents/search/search-incidents.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

import { NOW, insertIncident } from './incident-fixtures.js'

describeEachDialect('search index sync', (dialect) => {
  let test: TestDatabase
  const ids = async (q: string): Promise<number[]> =>
    (await searchIncidents(test.database, { q, limit: 500 }, NOW)).items
      .map((i) => i.id)
      .sort((a, b) => a - b)

  beforeEach(async () => {
    test = await createTestDatabase(dialect)
  })

  afterEach(async () => {
    await test.cleanup()
  })

  it('follows title, message and template changes', async () => {
    const db = test.database.db
    const id = await insertIncident(db, { title: 'alpha', message: 'bravo', template: 'charlie' })
    expect(await ids('alpha')).toEqual([id])

    await db
      .updateTable('incidents')
      .set({ title: 'delta', message: 'echo', template: 'foxtrot' })
      .where('id', '=', id)
      .execute()
    expect(await ids('alpha')).toEqual([])
    expect(await ids('bravo')).toEqual([])
    expect(await ids('delta echo')).toEqual([id])
    expect(await ids('foxtrot')).toEqual([id])
  })

  it('indexes the three newest samples when the writer refreshes them after a change', async () => {
    const db = test.database.db
    const id = await insertIncident(db, {
      title: 't',
      samples: ['sample-one', 'sample-two', 'sample-three'],
    })
    expect(await ids('sample-one')).toEqual([id])

    const at = NOW
    await db
      .insertInto('incident_events')
      .values({
        incident_id: id,
        kind: 'latest',
        at,
        received_at: at,
        source: 's',
        offset: 9,
        level: 'error',
        message: 'm',
        raw: 'sample-four',
        fields: '{}',
      })
      .execute()
    await refreshSearchDocuments(db, dialect, [id])
    expect(await ids('sample-four')).toEqual([id])
    expect(await ids('sample-one')).toEqual([])

    await db
      .updateTable('incident_events')
      .set({ raw: 'rewritten-sample' })
      .where('raw', '=', 'sample-four')
      .execute()
    await refreshSearchDocuments(db, dialect, [id])
    expect(await ids('rewritten')).toEqual([id])
    expect(await ids('sample-four')).toEqual([])

    await db.deleteFrom('incident_events').where('raw', '=', 'rewritten-sample').execute()
    await refreshSearchDocuments(db, dialect, [id])
    expect(await ids('sample-one')).toEqual([id])
    expect(await ids('rewritten')).toEqual([])
  })

  it('bounds the indexed text of each sample', async () => {
    const db = test.database.db
    const tail = 'x'.repeat(600) + 'needle-at-the-end'
    const id = await insertIncident(db, { title: 't', samples: ['head-of-sample ' + tail] })
    expect(await ids('head-of-sample')).toEqual([id])
    expect(await ids('needle-at-the-end')).toEqual([])
  })

  it('drops deleted incidents from the index', async () => {
    const db = test.database.db
    const id = await insertIncident(db, { title: 'short-lived', samples: ['with a sample'] })
    await db.deleteFrom('incidents').where('id', '=', id).execute()
    expect(await ids('short-lived')).toEqual([])
    const table = dialect === 'sqlite' ? sql`incident_fts` : sql`incident_search`
    const left = await sql<{ n: number }>`select count(*) as n from ${table}`.execute(db)
    expect(Number(left.rows[0]?.n)).toBe(0)
  })

  it('indexes incidents that existed before the migration', async () => {
    const fresh = await createTestDatabase(dialect, { migrate: false })
    try {
      const { MIGRATIONS } = await import('../../../src/db/migrations/index.js')
      const before = Object.keys(MIGRATIONS).filter((name) => name < '003')
      // Each step runs in a transaction, as the migrator runs it.
      for (const name of before) {
        await fresh.database.transaction(
          (tx) => MIGRATIONS[name]?.up(tx as never, dialect) ?? Promise.resolve(),
        )
      }
      const id = await insertIncident(fresh.database.db, {
        title: 'legacy row',
        samples: ['legacy sample'],
        indexSamples: false,
      })
      await fresh.database.transaction(
        (tx) => MIGRATIONS['003-search']?.up(tx as never, dialect) ?? Promise.resolve(),
      )
      const found = await searchIncidents(fresh.database, { q: 'legacy sample' }, NOW)
      expect(found.items.map((i) => i.id)).toEqual([id])
    } finally {
      await fresh.cleanup()
    }
  })
})
