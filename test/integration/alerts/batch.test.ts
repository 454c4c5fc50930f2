import { expect, it } from 'vitest'

import { claimDueAlerts } from '../../../src/alerts/alert-claim.js'
import { listRuns } from '../../../src/alerts/alert-run.js'
import type { AlertScheduler } from '../../../src/alerts/alert-scheduler.js'
import type { Database } from '../../../src/db/database.js'
import { describeEachDialect } from '../../helpers/databases.js'

import { addAlert, addIncident, MINUTE, T0 } from './alert-fixtures.js'
import { useAlertWorld, type SchedulerOptions } from './alert-harness.js'

const EVERY_5 = { schedule: { kind: 'interval', minutes: 5 } }

describeEachDialect('alert batches', (dialect) => {
  const world = useAlertWorld(dialect)
  const start = (
    database: Database,
    owner: string,
    extra: Partial<SchedulerOptions> = {},
  ): AlertScheduler => world.start({ database, owner, ...extra })

  it('splits the due alerts between concurrent batch claims, each alert to one process', async () => {
    for (let i = 0; i < 30; i += 1) await addAlert(world.test.database, T0, { name: `alert ${i}` })
    const handles = [world.test.database, world.secondHandle(), world.secondHandle()]
    const now = T0 + MINUTE + 1000

    const batches = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        claimDueAlerts(handles[i % 3] as Database, `p${i}`, now, 8),
      ),
    )

    const ids = batches.flat().map((a) => a.id)
    expect(ids).toHaveLength(30)
    expect(new Set(ids).size).toBe(30)
    const rows = await world.test.database.db
      .selectFrom('alerts')
      .select(['id', 'claimed_by'])
      .execute()
    for (const [i, batch] of batches.entries()) {
      expect(batch.length).toBeLessThanOrEqual(8)
      for (const alert of batch)
        expect(rows.find((r) => r.id === alert.id)?.claimed_by).toBe(`p${i}`)
    }
    expect(await claimDueAlerts(world.test.database, 'late', now, 8)).toEqual([])
  })

  it('never mails an alert whose claim was taken over while its email waited', async () => {
    const first = await addAlert(world.test.database, T0, { name: 'first' })
    const second = await addAlert(world.test.database, T0, { name: 'second' })
    await addIncident(world.test.database, { at: T0 + 10_000 })
    world.clock.set(T0 + MINUTE + 1000)
    const scheduler = start(world.test.database, 'slow-process', {
      concurrency: 1,
      afterSend: async () => {
        // Meanwhile the claim of the second alert expired and another process took it.
        await world.test.database.db
          .updateTable('alerts')
          .set({ claimed_by: 'other-process', claim_expires_at: world.clock.now + 10 * MINUTE })
          .where('id', '=', second.id)
          .execute()
      },
    })

    const summary = await scheduler.tick()

    expect(summary.statuses).toEqual({ sent: 1 })
    expect(world.sink.messages).toHaveLength(1)
    expect(
      (await listRuns(world.test.database, { alertId: first.id })).map((r) => r.status),
    ).toEqual(['sent'])
    expect(await listRuns(world.test.database, { alertId: second.id })).toEqual([])
    const row = await world.test.database.db
      .selectFrom('alerts')
      .select(['claimed_by', 'last_triggered_at'])
      .where('id', '=', second.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ claimed_by: 'other-process', last_triggered_at: T0 })
  })

  it('renews the claims of emails still waiting, so a slow batch keeps them from other processes', async () => {
    const alerts = []
    for (let i = 0; i < 3; i += 1)
      alerts.push(await addAlert(world.test.database, T0, { name: `alert ${i}`, ...EVERY_5 }))
    await addIncident(world.test.database, { at: T0 + 10_000 })
    world.clock.set(T0 + 5 * MINUTE + 1000)
    const other = start(world.secondHandle(), 'other-process', { claimTtlMs: 60_000 })
    const otherRuns: number[] = []
    const slow = start(world.test.database, 'slow-process', {
      concurrency: 1,
      claimTtlMs: 60_000,
      afterSend: async () => {
        // Each email takes 25 s: without renewal the last claim would expire after 60 s.
        world.clock.set(world.clock.now + 25_000)
        otherRuns.push((await other.tick()).ran)
      },
    })

    expect((await slow.tick()).statuses).toEqual({ sent: 3 })

    expect(otherRuns).toEqual([0, 0, 0])
    expect(world.sink.messages).toHaveLength(3)
    for (const alert of alerts) {
      const runs = await listRuns(world.test.database, { alertId: alert.id })
      expect(runs.map((r) => r.status)).toEqual(['sent'])
    }
  })

  it('gives each alert of a shared search its own window, and fails only the broken query', async () => {
    const long = await addAlert(world.test.database, T0, {
      name: 'long',
      query: 'declined',
      ...EVERY_5,
    })
    const ids = [
      await addIncident(world.test.database, { at: T0 + MINUTE, title: 'ERROR card declined' }),
      await addIncident(world.test.database, {
        at: T0 + 3 * MINUTE,
        title: 'ERROR transfer declined',
      }),
      await addIncident(world.test.database, { at: T0 + 4 * MINUTE, title: 'ERROR disk full' }),
    ]
    const short = await addAlert(world.test.database, T0 + 2 * MINUTE, {
      name: 'short',
      query: 'declined',
      ...EVERY_5,
    })
    const broken = await addAlert(world.test.database, T0, { name: 'broken', ...EVERY_5 })
    await world.test.database.db
      .updateTable('alerts')
      .set({ query: 'severity:>>HIGH' })
      .where('id', '=', broken.id)
      .execute()
    world.clock.set(T0 + 10 * MINUTE + 1000)

    expect((await start(world.test.database, 'web').tick()).statuses).toEqual({
      sent: 2,
      failed: 1,
    })

    const [longRun] = await listRuns(world.test.database, { alertId: long.id })
    const [shortRun] = await listRuns(world.test.database, { alertId: short.id })
    const [brokenRun] = await listRuns(world.test.database, { alertId: broken.id })
    expect(longRun?.incidentIds).toEqual([ids[1], ids[0]])
    expect(shortRun?.incidentIds).toEqual([ids[1]])
    expect(shortRun?.windowFrom).toBe(new Date(T0 + 2 * MINUTE).toISOString())
    expect(brokenRun?.status).toBe('failed')
    expect(brokenRun?.error).toMatch(/^QUERY_INVALID: /)
  })
})
