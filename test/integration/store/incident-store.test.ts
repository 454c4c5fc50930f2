import { afterEach, expect, it } from 'vitest'

import { IncidentStore } from '../../../src/ingest/store/incident-store.js'
import { createLogger } from '../../../src/observability/logger.js'
import { candidate } from '../../helpers/candidates.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

const logger = createLogger({ level: 'silent' })

function checkpoint() {
  return {
    identity: '1:2:abc',
    path: '/var/log/app.log',
    device: '1',
    inode: '2',
    headHash: 'abc',
    offset: 20,
    size: 20,
    linesRead: 2,
    events: 2,
    skipped: {},
    lastEventAt: null,
    lastError: null,
  }
}

describeEachDialect('incident store', (dialect) => {
  let test: TestDatabase | undefined

  afterEach(async () => {
    await test?.cleanup()
    test = undefined
  })

  function store(
    t: TestDatabase,
    extra: Partial<ConstructorParameters<typeof IncidentStore>[0]> = {},
  ) {
    return new IncidentStore({
      database: t.database,
      logger,
      saveCheckpoints: async () => {},
      ...extra,
    })
  }

  it('groups the prototype sample into three incidents with counts 2, 5 and 2', async () => {
    test = await createTestDatabase(dialect)
    const messages = [
      'Failed to connect to server',
      'null values found',
      'null values found',
      'file missing',
      'Failed to connect to server',
      'null values found',
      'null values found',
      'file missing',
      'null values found',
    ]
    await store(test).commit({
      events: messages.map((m, i) => candidate(m, { message: m, offset: i * 100 })),
      checkpoints: [],
    })

    const rows = await test.database.db
      .selectFrom('incidents')
      .select(['title', 'count', 'severity', 'status'])
      .orderBy('title')
      .execute()
    expect(rows).toEqual([
      { title: 'Failed to connect to server', count: 2, severity: 'HIGH', status: 'open' },
      { title: 'file missing', count: 2, severity: 'HIGH', status: 'open' },
      { title: 'null values found', count: 5, severity: 'HIGH', status: 'open' },
    ])
  })

  it('adds a later batch to the same incident and raises its severity', async () => {
    test = await createTestDatabase(dialect)
    const s = store(test)
    await s.commit({ events: [candidate('fp', { severity: 'LOW' })], checkpoints: [] })
    const result = await s.commitWithResult({
      events: [candidate('fp', { severity: 'HIGH' }), candidate('fp', { severity: 'LOW' })],
      checkpoints: [],
    })

    expect(result.created).toEqual([])
    expect(result.updated).toHaveLength(1)
    const row = await test.database.db.selectFrom('incidents').selectAll().executeTakeFirstOrThrow()
    expect(row.count).toBe(3)
    expect(row.severity).toBe('HIGH')
  })

  it('stores nothing of a batch whose transaction fails, so a replay counts it once', async () => {
    test = await createTestDatabase(dialect)
    const failing = store(test, {
      saveCheckpoints: () => Promise.reject(new Error('crash before commit')),
    })
    const batch = {
      events: [candidate('fp'), candidate('fp')],
      checkpoints: [checkpoint()],
    }

    await expect(failing.commit(batch)).rejects.toThrow('crash before commit')
    expect(await test.database.db.selectFrom('incidents').selectAll().execute()).toEqual([])
    expect(await test.database.db.selectFrom('incident_events').selectAll().execute()).toEqual([])

    await store(test).commit(batch)
    const row = await test.database.db
      .selectFrom('incidents')
      .select('count')
      .executeTakeFirstOrThrow()
    expect(row.count).toBe(2)
  })

  it('retries a batch rolled back by a deadlock and stores it once', async () => {
    test = await createTestDatabase(dialect)
    let calls = 0
    const s = store(test, {
      saveCheckpoints: () => {
        calls += 1
        if (calls > 1) return Promise.resolve()

        return Promise.reject(Object.assign(new Error('deadlock detected'), { code: '40P01' }))
      },
    })

    const result = await s.commitWithResult({
      events: [candidate('fp'), candidate('fp')],
      checkpoints: [checkpoint()],
    })

    expect(calls).toBe(2)
    expect(result.created).toHaveLength(1)
    const row = await test.database.db
      .selectFrom('incidents')
      .select('count')
      .executeTakeFirstOrThrow()
    expect(row.count).toBe(2)
  })

  it('reopens a resolved incident as a regression when the error recurs', async () => {
    test = await createTestDatabase(dialect)
    const s = store(test)
    await s.commit({ events: [candidate('fp')], checkpoints: [] })
    await test.database.db.updateTable('incidents').set({ status: 'resolved' }).execute()

    const result = await s.commitWithResult({ events: [candidate('fp')], checkpoints: [] })

    expect(result.regressed).toHaveLength(1)
    const row = await test.database.db.selectFrom('incidents').selectAll().executeTakeFirstOrThrow()
    expect(row.status).toBe('open')
    expect(row.is_regression).toBe(1)
    expect(row.regression_count).toBe(1)
    expect(row.count).toBe(2)
    const history = await test.database.db
      .selectFrom('incident_status_history')
      .selectAll()
      .execute()
    expect(history.map((h) => [h.from_status, h.to_status, h.actor])).toEqual([
      ['resolved', 'open', 'alims'],
    ])
  })

  it('counts an ignored incident without reopening it or marking activity', async () => {
    test = await createTestDatabase(dialect)
    let now = 1_000
    const s = store(test, { clock: () => now })
    await s.commit({ events: [candidate('fp')], checkpoints: [] })
    await test.database.db.updateTable('incidents').set({ status: 'ignored' }).execute()
    now = 2_000

    await s.commit({ events: [candidate('fp')], checkpoints: [] })

    const row = await test.database.db.selectFrom('incidents').selectAll().executeTakeFirstOrThrow()
    expect(row.status).toBe('ignored')
    expect(row.count).toBe(2)
    expect(row.activity_at).toBe(1_000)
    expect(row.updated_at).toBe(2_000)
  })

  it('stamps activity right before the commit, so a slow batch is not older than its commit', async () => {
    test = await createTestDatabase(dialect)
    let now = 1_000
    // A batch that takes 8 s between its start and its commit (lock waits, a busy machine).
    const s = store(test, {
      clock: () => now,
      hooks: {
        incidentCreated: () => {
          now += 8_000

          return Promise.resolve()
        },
      },
    })
    await s.commit({ events: [candidate('fp')], checkpoints: [] })

    const row = await test.database.db.selectFrom('incidents').selectAll().executeTakeFirstOrThrow()
    expect(row.created_at).toBe(1_000)
    expect(row.activity_at).toBe(9_000)
  })

  it('keeps the first and the latest samples only', async () => {
    test = await createTestDatabase(dialect)
    const s = store(test, { firstSamples: 2, latestSamples: 3 })
    for (let batch = 0; batch < 4; batch += 1) {
      const events = Array.from({ length: 5 }, (_, i) => candidate('fp', { offset: batch * 5 + i }))
      await s.commit({ events, checkpoints: [] })
    }

    const samples = await test.database.db
      .selectFrom('incident_events')
      .select(['kind', 'offset'])
      .orderBy('id')
      .execute()
    expect(samples.filter((e) => e.kind === 'first').map((e) => e.offset)).toEqual([0, 1])
    expect(samples.filter((e) => e.kind === 'latest').map((e) => e.offset)).toEqual([17, 18, 19])
    const row = await test.database.db
      .selectFrom('incidents')
      .select('count')
      .executeTakeFirstOrThrow()
    expect(row.count).toBe(20)
  })

  it('keeps the newest latest samples over batches smaller and as large as the limit', async () => {
    test = await createTestDatabase(dialect)
    const s = store(test, { firstSamples: 2, latestSamples: 3 })
    let offset = 0
    for (const size of [2, 2, 1, 3, 1]) {
      const events = Array.from({ length: size }, () => candidate('fp', { offset: offset++ }))
      await s.commit({ events, checkpoints: [] })
    }

    const samples = await test.database.db
      .selectFrom('incident_events')
      .select(['kind', 'offset'])
      .orderBy('id')
      .execute()
    expect(samples.filter((e) => e.kind === 'first').map((e) => e.offset)).toEqual([0, 1])
    expect(samples.filter((e) => e.kind === 'latest').map((e) => e.offset)).toEqual([6, 7, 8])
  })

  it('counts per minute for charts', async () => {
    test = await createTestDatabase(dialect)
    const minute = Date.UTC(2026, 0, 1, 11, 0, 0)
    await store(test).commit({
      events: [
        candidate('fp', { timestamp: minute + 1 }),
        candidate('fp', { timestamp: minute + 59_000 }),
        candidate('fp', { timestamp: minute + 60_000 }),
      ],
      checkpoints: [],
    })
    await store(test).commit({
      events: [candidate('fp', { timestamp: minute + 5 })],
      checkpoints: [],
    })

    const minutes = await test.database.db
      .selectFrom('incident_minutes')
      .select(['minute', 'count'])
      .orderBy('minute')
      .execute()
    expect(minutes).toEqual([
      { minute, count: 3 },
      { minute: minute + 60_000, count: 1 },
    ])
  })

  it('records a change for each created and updated incident', async () => {
    test = await createTestDatabase(dialect)
    const s = store(test)
    await s.commit({ events: [candidate('a'), candidate('b')], checkpoints: [] })
    await s.commit({ events: [candidate('a')], checkpoints: [] })

    const changes = await test.database.db
      .selectFrom('changes')
      .select('kind')
      .orderBy('seq')
      .execute()
    expect(changes.map((c) => c.kind)).toEqual(['created', 'created', 'updated'])
  })

  it('keeps a shared count exact when two stores commit the same fingerprint at once', async () => {
    test = await createTestDatabase(dialect)
    const { openDatabase } = await import('../../../src/db/database.js')
    // better-sqlite3 is synchronous: a second connection in this process would block the
    // event loop while the first holds the lock. SQLite writers are serialised by the lock
    // anyway; across processes the kill -9 tests cover it.
    const second = dialect === 'postgres' ? openDatabase(test.url) : test.database
    try {
      const a = store(test)
      const b = new IncidentStore({ database: second, logger, saveCheckpoints: async () => {} })
      const batches = Array.from({ length: 20 }, (_, i) => [
        candidate('shared'),
        candidate(`own-${i}`),
      ])
      await Promise.all(
        batches.map((events, i) => (i % 2 === 0 ? a : b).commit({ events, checkpoints: [] })),
      )

      const row = await test.database.db
        .selectFrom('incidents')
        .select('count')
        .where('fingerprint', '=', 'shared')
        .executeTakeFirstOrThrow()
      expect(row.count).toBe(20)
      const total = await test.database.db.selectFrom('incidents').select('id').execute()
      expect(total).toHaveLength(21)
    } finally {
      if (second !== test.database) await second.close()
    }
  })
})
