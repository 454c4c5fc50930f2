import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest'

import { claimDueAlerts } from '../../../src/alerts/alert-claim.js'
import { listRuns } from '../../../src/alerts/alert-run.js'
import { startAlertScheduler, type AlertScheduler } from '../../../src/alerts/alert-scheduler.js'
import { openDatabase, type Database } from '../../../src/db/database.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

import {
  addAlert,
  addIncident,
  ManualClock,
  MINUTE,
  silentLogger,
  smtpTo,
  T0,
} from './alert-fixtures.js'
import { startSmtpSink, type SmtpSink } from './smtp-sink.js'

const EVERY_5 = { schedule: { kind: 'interval', minutes: 5 } }

describeEachDialect('alert batches', (dialect) => {
  let sink: SmtpSink
  let test: TestDatabase
  let clock: ManualClock
  const schedulers: AlertScheduler[] = []
  const extraDatabases: Database[] = []

  function start(
    database: Database,
    owner: string,
    extra: Partial<Parameters<typeof startAlertScheduler>[0]> = {},
  ): AlertScheduler {
    const scheduler = startAlertScheduler({
      database,
      config: {
        smtp: smtpTo(sink.port),
        dataDir: '/nonexistent',
        publicUrl: 'https://alims.example.com',
      },
      logger: silentLogger,
      clock: clock.read,
      timers: false,
      owner,
      ...extra,
    })
    schedulers.push(scheduler)

    return scheduler
  }

  function secondHandle(): Database {
    const database = openDatabase(test.url, { poolSize: 3 })
    extraDatabases.push(database)

    return database
  }

  beforeAll(async () => {
    sink = await startSmtpSink()
  })
  afterAll(async () => {
    await sink.stop()
  })
  beforeEach(async () => {
    sink.messages.length = 0
    sink.onAccepted = null
    test = await createTestDatabase(dialect)
    clock = new ManualClock()
  })
  afterEach(async () => {
    for (const stop of schedulers.splice(0)) await stop()
    for (const database of extraDatabases.splice(0)) await database.close()
    await test.cleanup()
  })

  it('splits the due alerts between concurrent batch claims, each alert to one process', async () => {
    for (let i = 0; i < 30; i += 1) await addAlert(test.database, T0, { name: `alert ${i}` })
    const handles = [test.database, secondHandle(), secondHandle()]
    const now = T0 + MINUTE + 1000

    const batches = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        claimDueAlerts(handles[i % 3] as Database, `p${i}`, now, 8),
      ),
    )

    const ids = batches.flat().map((a) => a.id)
    expect(ids).toHaveLength(30)
    expect(new Set(ids).size).toBe(30)
    const rows = await test.database.db.selectFrom('alerts').select(['id', 'claimed_by']).execute()
    for (const [i, batch] of batches.entries()) {
      expect(batch.length).toBeLessThanOrEqual(8)
      for (const alert of batch)
        expect(rows.find((r) => r.id === alert.id)?.claimed_by).toBe(`p${i}`)
    }
    expect(await claimDueAlerts(test.database, 'late', now, 8)).toEqual([])
  })

  it('never mails an alert whose claim was taken over while its email waited', async () => {
    const first = await addAlert(test.database, T0, { name: 'first' })
    const second = await addAlert(test.database, T0, { name: 'second' })
    await addIncident(test.database, { at: T0 + 10_000 })
    clock.set(T0 + MINUTE + 1000)
    const scheduler = start(test.database, 'slow-process', {
      concurrency: 1,
      afterSend: async () => {
        // Meanwhile the claim of the second alert expired and another process took it.
        await test.database.db
          .updateTable('alerts')
          .set({ claimed_by: 'other-process', claim_expires_at: clock.now + 10 * MINUTE })
          .where('id', '=', second.id)
          .execute()
      },
    })

    const summary = await scheduler.tick()

    expect(summary.statuses).toEqual({ sent: 1 })
    expect(sink.messages).toHaveLength(1)
    expect((await listRuns(test.database, { alertId: first.id })).map((r) => r.status)).toEqual([
      'sent',
    ])
    expect(await listRuns(test.database, { alertId: second.id })).toEqual([])
    const row = await test.database.db
      .selectFrom('alerts')
      .select(['claimed_by', 'last_triggered_at'])
      .where('id', '=', second.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ claimed_by: 'other-process', last_triggered_at: T0 })
  })

  it('renews the claims of emails still waiting, so a slow batch keeps them from other processes', async () => {
    const alerts = []
    for (let i = 0; i < 3; i += 1)
      alerts.push(await addAlert(test.database, T0, { name: `alert ${i}`, ...EVERY_5 }))
    await addIncident(test.database, { at: T0 + 10_000 })
    clock.set(T0 + 5 * MINUTE + 1000)
    const other = start(secondHandle(), 'other-process', { claimTtlMs: 60_000 })
    const otherRuns: number[] = []
    const slow = start(test.database, 'slow-process', {
      concurrency: 1,
      claimTtlMs: 60_000,
      afterSend: async () => {
        // Each email takes 25 s: without renewal the last claim would expire after 60 s.
        clock.set(clock.now + 25_000)
        otherRuns.push((await other.tick()).ran)
      },
    })

    expect((await slow.tick()).statuses).toEqual({ sent: 3 })

    expect(otherRuns).toEqual([0, 0, 0])
    expect(sink.messages).toHaveLength(3)
    for (const alert of alerts) {
      const runs = await listRuns(test.database, { alertId: alert.id })
      expect(runs.map((r) => r.status)).toEqual(['sent'])
    }
  })

  it('gives each alert of a shared search its own window, and fails only the broken query', async () => {
    const long = await addAlert(test.database, T0, { name: 'long', query: 'declined', ...EVERY_5 })
    const ids = [
      await addIncident(test.database, { at: T0 + MINUTE, title: 'ERROR card declined' }),
      await addIncident(test.database, { at: T0 + 3 * MINUTE, title: 'ERROR transfer declined' }),
      await addIncident(test.database, { at: T0 + 4 * MINUTE, title: 'ERROR disk full' }),
    ]
    const short = await addAlert(test.database, T0 + 2 * MINUTE, {
      name: 'short',
      query: 'declined',
      ...EVERY_5,
    })
    const broken = await addAlert(test.database, T0, { name: 'broken', ...EVERY_5 })
    await test.database.db
      .updateTable('alerts')
      .set({ query: 'severity:>>HIGH' })
      .where('id', '=', broken.id)
      .execute()
    clock.set(T0 + 10 * MINUTE + 1000)

    expect((await start(test.database, 'web').tick()).statuses).toEqual({ sent: 2, failed: 1 })

    const [longRun] = await listRuns(test.database, { alertId: long.id })
    const [shortRun] = await listRuns(test.database, { alertId: short.id })
    const [brokenRun] = await listRuns(test.database, { alertId: broken.id })
    expect(longRun?.incidentIds).toEqual([ids[1], ids[0]])
    expect(shortRun?.incidentIds).toEqual([ids[1]])
    expect(shortRun?.windowFrom).toBe(new Date(T0 + 2 * MINUTE).toISOString())
    expect(brokenRun?.status).toBe('failed')
    expect(brokenRun?.error).toMatch(/^QUERY_INVALID: /)
  })
})
