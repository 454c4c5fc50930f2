import { afterEach, expect, it } from 'vitest'

import { changeIncidentStatus, statusHistory } from '../../../src/incidents/incident-status.js'
import { listIncidentEvents } from '../../../src/incidents/incident-events.js'
import { IncidentStore } from '../../../src/ingest/store/incident-store.js'
import { createLogger } from '../../../src/observability/logger.js'
import { candidate } from '../../helpers/candidates.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

describeEachDialect('incident status', (dialect) => {
  let test: TestDatabase | undefined

  afterEach(async () => {
    await test?.cleanup()
    test = undefined
  })

  async function seed(t: TestDatabase, fingerprints: string[]): Promise<number[]> {
    const store = new IncidentStore({
      database: t.database,
      logger: createLogger({ level: 'silent' }),
      saveCheckpoints: async () => {},
    })
    const result = await store.commitWithResult({
      events: fingerprints.map((f, i) => candidate(f, { offset: i })),
      checkpoints: [],
    })

    return result.created
  }

  it('records who changed the status and when, newest first', async () => {
    test = await createTestDatabase(dialect)
    const [id] = await seed(test, ['a'])
    await changeIncidentStatus(test.database, [id!], {
      status: 'acknowledged',
      actor: 'ana',
      now: 1000,
    })
    await changeIncidentStatus(test.database, [id!], { status: 'resolved', actor: 'bo', now: 2000 })

    const history = await statusHistory(test.database, id!)
    expect(history.map((h) => [h.from, h.to, h.actor])).toEqual([
      ['acknowledged', 'resolved', 'bo'],
      ['open', 'acknowledged', 'ana'],
    ])
    const row = await test.database.db.selectFrom('incidents').selectAll().executeTakeFirstOrThrow()
    expect(row.status).toBe('resolved')
    expect(row.status_changed_by).toBe('bo')
  })

  it('changes nothing when the status is already set', async () => {
    test = await createTestDatabase(dialect)
    const [id] = await seed(test, ['a'])
    const [result] = await changeIncidentStatus(test.database, [id!], {
      status: 'open',
      actor: 'ana',
    })

    expect(result?.changed).toBe(false)
    expect(await statusHistory(test.database, id!)).toEqual([])
  })

  it('changes several incidents at once and runs the hook for each change', async () => {
    test = await createTestDatabase(dialect)
    const ids = await seed(test, ['a', 'b', 'c'])
    const seen: string[] = []
    await changeIncidentStatus(
      test.database,
      ids,
      { status: 'resolved', actor: 'ana' },
      {
        statusChanged: (_tx, change) => {
          seen.push(`${change.incidentId}:${change.from}->${change.to}`)

          return Promise.resolve()
        },
      },
    )

    expect(seen).toEqual(ids.map((id) => `${id}:open->resolved`))
    const changes = await test.database.db
      .selectFrom('changes')
      .select('kind')
      .where('kind', '=', 'status')
      .execute()
    expect(changes).toHaveLength(3)
  })

  it('refuses an unknown incident and changes none of the others', async () => {
    test = await createTestDatabase(dialect)
    const [id] = await seed(test, ['a'])

    await expect(
      changeIncidentStatus(test.database, [id!, 999_999], { status: 'resolved', actor: 'ana' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 })
    const row = await test.database.db
      .selectFrom('incidents')
      .select('status')
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('open')
  })

  it('pages through the stored samples of an incident', async () => {
    test = await createTestDatabase(dialect)
    const store = new IncidentStore({
      database: test.database,
      logger: createLogger({ level: 'silent' }),
      saveCheckpoints: async () => {},
      firstSamples: 3,
      latestSamples: 3,
    })
    const result = await store.commitWithResult({
      events: Array.from({ length: 8 }, (_, i) => candidate('a', { offset: i * 10 })),
      checkpoints: [],
    })
    const id = result.created[0]!

    const first = await listIncidentEvents(test.database, id, { limit: 4 })
    expect(first.items.map((e) => [e.kind, e.offset])).toEqual([
      ['first', 0],
      ['first', 10],
      ['first', 20],
      ['latest', 50],
    ])
    const second = await listIncidentEvents(test.database, id, {
      limit: 4,
      after: Number(first.next),
    })
    expect(second.items.map((e) => e.offset)).toEqual([60, 70])
    expect(second.next).toBeNull()
    expect(second.items[0]?.fields).toEqual({ job_id: 'JOB101' })
  })
})
