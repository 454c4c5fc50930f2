import { expect, it } from 'vitest'

import { claimDueAlert, releaseAlert } from '../../../src/alerts/alert-claim.js'
import { findAlert, updateAlert } from '../../../src/alerts/alert-repository.js'
import { listRuns } from '../../../src/alerts/alert-run.js'
import type { AlertScheduler } from '../../../src/alerts/alert-scheduler.js'
import { validateAlertDefinition } from '../../../src/alerts/validate-alert.js'
import type { Database } from '../../../src/db/database.js'
import { describeEachDialect } from '../../helpers/databases.js'

import { addAlert, addIncident, MINUTE, T0 } from './alert-fixtures.js'
import { useAlertWorld } from './alert-harness.js'
import { parseMail } from './parse-mail.js'

describeEachDialect('alert scheduler', (dialect) => {
  const world = useAlertWorld(dialect)
  const start = (database: Database, owner?: string): AlertScheduler =>
    world.start({ database, ...(owner === undefined ? {} : { owner }) })

  it('sends every (alert, window) exactly once with three schedulers on one database', async () => {
    const alerts = []
    for (let i = 0; i < 20; i += 1)
      alerts.push(await addAlert(world.test.database, T0, { name: `alert ${i}` }))
    const instances = [world.test.database, world.secondHandle(), world.secondHandle()]
    const schedulerList = instances.map((database, i) => start(database, `web-${i}`))

    for (let minute = 1; minute <= 5; minute += 1) {
      await addIncident(world.test.database, {
        at: T0 + minute * MINUTE - 30_000,
        title: `ERROR minute ${minute}`,
      })
      world.clock.set(T0 + minute * MINUTE + 1000)
      const summaries = await Promise.all(schedulerList.map((s) => s.tick()))
      expect(summaries.reduce((n, s) => n + s.ran, 0)).toBe(20)
    }

    expect(world.sink.messages).toHaveLength(100)
    const ids = world.sink.messages.map((m) => parseMail(m.raw).header('message-id')[0])
    expect(new Set(ids).size).toBe(100)
    for (const alert of alerts) {
      const runs = (await listRuns(world.test.database, { alertId: alert.id })).reverse()
      expect(runs.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent'])
      for (let i = 1; i < runs.length; i += 1)
        expect(runs[i]?.windowFrom).toBe(runs[i - 1]?.windowTo)
      expect(runs.map((r) => r.messageId)).toEqual(
        runs.map((r) => `<alert-${alert.id}-${Date.parse(r.windowFrom)}@alims>`),
      )
    }
    const claims = await world.test.database.db
      .selectFrom('alerts')
      .select(['claimed_by', 'next_run_at'])
      .execute()
    expect(claims.every((c) => c.claimed_by === null && c.next_run_at === T0 + 6 * MINUTE)).toBe(
      true,
    )
  })

  it('lets exactly one of many concurrent claims win, and none once the run moved the alert on', async () => {
    const alert = await addAlert(world.test.database, T0)
    const handles = [world.test.database, world.secondHandle(), world.secondHandle()]
    const now = T0 + MINUTE + 1000
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        claimDueAlert(handles[i % 3] as Database, alert.id, `p${i}`, now),
      ),
    )
    const winners = results.filter((r) => r !== null)
    expect(winners).toHaveLength(1)
    expect(winners[0]?.id).toBe(alert.id)

    await world.test.database.transaction((tx) =>
      releaseAlert(tx, alert.id, `p${results.findIndex((r) => r !== null)}`, {
        at: T0 + 2 * MINUTE,
        updatedAt: alert.updatedAt,
      }),
    )
    expect(await claimDueAlert(world.test.database, alert.id, 'late', now)).toBeNull()
  })

  it('runs a missed alert once after downtime with catch_up, and waits for its next slot with skip', async () => {
    const catchUp = await addAlert(world.test.database, T0, { name: 'catch up' })
    const skip = await addAlert(world.test.database, T0, { name: 'skip', missedPolicy: 'skip' })
    await addIncident(world.test.database, { at: T0 + 30_000, title: 'ERROR during downtime' })

    // No scheduler ran for an hour; then one starts.
    world.clock.set(T0 + 60 * MINUTE + 20_000)
    const scheduler = start(world.test.database)
    expect((await scheduler.tick()).statuses).toEqual({ sent: 1 })
    expect((await scheduler.tick()).ran).toBe(0)
    expect((await listRuns(world.test.database, { alertId: catchUp.id })).length).toBe(1)
    expect((await findAlert(world.test.database, catchUp.id))?.nextRunAt).toBe(T0 + 61 * MINUTE)
    expect((await findAlert(world.test.database, skip.id))?.nextRunAt).toBe(T0 + 61 * MINUTE)
    expect(await listRuns(world.test.database, { alertId: skip.id })).toEqual([])

    // Skipping a slot loses nothing: the next run's window still starts at the last trigger.
    world.clock.set(T0 + 61 * MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ sent: 1, nothing_new: 1 })
    const [skipRun] = await listRuns(world.test.database, { alertId: skip.id })
    expect(skipRun?.windowFrom).toBe(new Date(T0).toISOString())
    expect(skipRun?.matched).toBe(1)
  })

  it('reschedules at once on edit, disable and enable, and takes over an expired claim only', async () => {
    const alert = await addAlert(world.test.database, T0, {
      schedule: { kind: 'daily', at: '09:30', timezone: 'Europe/Berlin' },
    })
    expect(alert.nextRunAt).toBe(Date.UTC(2026, 0, 1, 8, 30))

    world.clock.set(T0 + 5 * MINUTE)
    const every5 = validateAlertDefinition({ ...alert, schedule: { kind: 'interval', minutes: 5 } })
    expect(
      (await updateAlert(world.test.database, alert.id, every5, world.clock.now)).nextRunAt,
    ).toBe(T0 + 10 * MINUTE)
    const off = await updateAlert(
      world.test.database,
      alert.id,
      { ...every5, enabled: false },
      world.clock.now,
    )
    expect(off.nextRunAt).toBeNull()
    world.clock.set(T0 + 20 * MINUTE)
    const on = await updateAlert(world.test.database, alert.id, every5, world.clock.now)
    expect(on.nextRunAt).toBe(T0 + 25 * MINUTE)
    expect(on.lastTriggeredAt).toBe(T0 + 20 * MINUTE)

    const scheduler = start(world.test.database)
    world.clock.set(T0 + 25 * MINUTE + 1000)
    await world.test.database.db
      .updateTable('alerts')
      .set({ claimed_by: 'other-process', claim_expires_at: world.clock.now + 1000 })
      .execute()
    expect((await scheduler.tick()).ran).toBe(0)
    await world.test.database.db
      .updateTable('alerts')
      .set({ claim_expires_at: world.clock.now - 1 })
      .execute()
    expect((await scheduler.tick()).statuses).toEqual({ nothing_new: 1 })
    const row = await findAlert(world.test.database, alert.id)
    expect(row?.nextRunAt).toBe(T0 + 30 * MINUTE)
  })

  it('keeps the schedule of an edit made while the alert was running', async () => {
    const alert = await addAlert(world.test.database, T0)
    await addIncident(world.test.database, { at: T0 + 10_000 })
    world.clock.set(T0 + MINUTE + 1000)
    const scheduler = world.start({
      afterSend: async () => {
        const hourly = validateAlertDefinition({ ...alert, schedule: { kind: 'hourly', hours: 1 } })
        await updateAlert(world.test.database, alert.id, hourly, world.clock.now + 1)
      },
    })
    expect((await scheduler.tick()).statuses).toEqual({ sent: 1 })
    const after = await findAlert(world.test.database, alert.id)
    expect(after?.schedule).toEqual({ kind: 'hourly', hours: 1 })
    expect(after?.nextRunAt).toBe(T0 + 60 * MINUTE)
    const row = await world.test.database.db
      .selectFrom('alerts')
      .select('claimed_by')
      .executeTakeFirst()
    expect(row?.claimed_by).toBeNull()
  })
})
