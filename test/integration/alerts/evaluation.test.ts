import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { beforeEach, expect, it } from 'vitest'

import { findAlert } from '../../../src/alerts/alert-repository.js'
import { listRuns } from '../../../src/alerts/alert-run.js'
import type { AlertScheduler } from '../../../src/alerts/alert-scheduler.js'
import { describeEachDialect } from '../../helpers/databases.js'

import { addAlert, addIncident, MINUTE, recur, T0 } from './alert-fixtures.js'
import { useAlertWorld } from './alert-harness.js'
import { parseMail } from './parse-mail.js'

describeEachDialect('alert evaluation', (dialect) => {
  const world = useAlertWorld(dialect)
  let scheduler: AlertScheduler

  beforeEach(() => {
    scheduler = world.start()
  })

  it('sends one email, then none, then one listing only the new incident', async () => {
    const alert = await addAlert(world.test.database, T0)
    const first = await addIncident(world.test.database, {
      at: T0 + 10_000,
      title: 'ERROR first failure',
    })
    await addIncident(world.test.database, { at: T0 + 20_000, severity: 'LOW', title: 'low noise' })

    world.clock.set(T0 + MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ sent: 1 })
    world.clock.set(T0 + 2 * MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ nothing_new: 1 })
    expect(world.sink.messages).toHaveLength(1)

    const second = await addIncident(world.test.database, {
      at: T0 + 150_000,
      title: 'ERROR second failure',
    })
    world.clock.set(T0 + 3 * MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ sent: 1 })

    expect(world.sink.messages).toHaveLength(2)
    const [one, two] = world.sink.messages.map((m) => parseMail(m.raw))
    expect(one?.text).toContain('ERROR first failure')
    expect(one?.text).not.toContain('low noise')
    expect(two?.text).toContain('ERROR second failure')
    expect(two?.text).not.toContain('ERROR first failure')

    const runs = (await listRuns(world.test.database, { alertId: alert.id })).reverse()
    expect(runs.map((r) => [r.status, r.incidentIds])).toEqual([
      ['sent', [first]],
      ['nothing_new', []],
      ['sent', [second]],
    ])
    expect(runs[0]?.windowFrom).toBe(new Date(T0).toISOString())
    expect(runs[2]?.windowFrom).toBe(runs[0]?.windowTo)
    expect(runs[1]?.windowFrom).toBe(runs[0]?.windowTo)
    expect(runs[0]?.messageId).toBe(`<alert-${alert.id}-${T0}@alims>`)
    expect(runs[0]?.smtpReply).toMatch(/^250/)
    expect(one?.header('message-id')).toEqual([runs[0]?.messageId])
    expect(world.sink.messages[0]?.to).toEqual(['ops@example.com'])
  })

  it('finds an incident active again just before every run, which the settle time would hide', async () => {
    const alert = await addAlert(world.test.database, T0)
    const id = await addIncident(world.test.database, { at: T0 + 30_000 })
    // Each recurrence lands within the 5 s settle time before the run: a search bounded by the
    // window's end would find it in no window at all.
    for (let minute = 1; minute <= 3; minute += 1) {
      await recur(world.test.database, id, T0 + minute * MINUTE - 1000)
      world.clock.set(T0 + minute * MINUTE + 1000)
      expect((await scheduler.tick()).statuses).toEqual({ sent: 1 })
    }

    const runs = (await listRuns(world.test.database, { alertId: alert.id })).reverse()
    expect(runs.map((r) => r.incidentIds)).toEqual([[id], [id], [id]])
    expect(world.sink.messages).toHaveLength(3)
    for (let i = 1; i < runs.length; i += 1) {
      expect(runs[i]?.windowFrom).toBe(runs[i - 1]?.windowTo)
    }
  })

  it('does not mail again an incident listed for activity after the last window, until it recurs', async () => {
    const alert = await addAlert(world.test.database, T0)
    // Created inside the settle time of the first run: listed by it, ahead of its window.
    const id = await addIncident(world.test.database, { at: T0 + MINUTE - 1000 })

    world.clock.set(T0 + MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ sent: 1 })
    expect((await findAlert(world.test.database, alert.id))?.reportedAhead).toEqual([
      [id, T0 + MINUTE - 1000],
    ])
    world.clock.set(T0 + 2 * MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ nothing_new: 1 })

    await recur(world.test.database, id, T0 + 2 * MINUTE + 20_000)
    world.clock.set(T0 + 3 * MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ sent: 1 })

    const runs = (await listRuns(world.test.database, { alertId: alert.id })).reverse()
    expect(runs.map((r) => [r.status, r.incidentIds])).toEqual([
      ['sent', [id]],
      ['nothing_new', []],
      ['sent', [id]],
    ])
    expect((await findAlert(world.test.database, alert.id))?.reportedAhead).toEqual([])
  })

  it('counts a recurrence as new, and waits for the minimum number of occurrences', async () => {
    const alert = await addAlert(world.test.database, T0, { minOccurrences: 5 })
    const id = await addIncident(world.test.database, { at: T0 + 10_000, count: 3 })

    world.clock.set(T0 + MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ nothing_new: 1 })
    expect((await findAlert(world.test.database, alert.id))?.lastTriggeredAt).toBe(T0)

    await recur(world.test.database, id, T0 + 90_000, 2)
    world.clock.set(T0 + 2 * MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ sent: 1 })
    const runs = await listRuns(world.test.database, { alertId: alert.id })
    expect(runs[0]?.windowFrom).toBe(new Date(T0).toISOString())
    expect(runs[0]?.incidentIds).toEqual([id])
    expect(runs[1]?.matched).toBe(1)
  })

  it('suppresses runs over the hourly cap and summarises them in the next allowed email', async () => {
    const alert = await addAlert(world.test.database, T0, { maxPerHour: 2 })
    for (let minute = 1; minute <= 4; minute += 1) {
      await addIncident(world.test.database, {
        at: T0 + minute * MINUTE - 30_000,
        title: `ERROR burst ${minute}`,
      })
      world.clock.set(T0 + minute * MINUTE + 1000)
      await scheduler.tick()
    }
    expect(world.sink.messages).toHaveLength(2)

    // An hour after the first emails, one run covers everything the suppressed runs held back.
    world.clock.set(T0 + 63 * MINUTE)
    expect((await scheduler.tick()).statuses).toEqual({ sent: 1 })
    expect(world.sink.messages).toHaveLength(3)
    const last = parseMail(world.sink.messages[2]?.raw ?? '')
    expect(last.text).toContain('ERROR burst 3')
    expect(last.text).toContain('ERROR burst 4')
    expect(last.text).toContain('held back 2 earlier runs')

    const statuses = (await listRuns(world.test.database, { alertId: alert.id }))
      .map((r) => r.status)
      .reverse()
    expect(statuses).toEqual(['sent', 'sent', 'suppressed', 'suppressed', 'sent'])
  })

  it('writes an .eml file to the outbox without SMTP and records the run as outbox', async () => {
    await scheduler()
    scheduler = world.start({ config: { ...world.config, smtp: null } })
    const alert = await addAlert(world.test.database, T0)
    await addIncident(world.test.database, { at: T0 + 10_000, title: 'ERROR disk full' })
    world.clock.set(T0 + MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ outbox: 1 })

    const files = readdirSync(join(world.dataDir, 'outbox'))
    expect(files).toHaveLength(1)
    const eml = readFileSync(join(world.dataDir, 'outbox', files[0] ?? ''), 'utf8')
    expect(eml).toContain(`Message-ID: <alert-${alert.id}-${T0}@alims>`)
    expect(parseMail(eml.replace(/\n/g, '\r\n')).text).toContain('ERROR disk full')
    const [run] = await listRuns(world.test.database, { alertId: alert.id })
    expect(run?.smtpReply).toBe(join(world.dataDir, 'outbox', files[0] ?? ''))
    expect((await findAlert(world.test.database, alert.id))?.lastTriggeredAt).toBe(
      T0 + MINUTE - 4000,
    )
  })

  it('keeps quiet runs for a week and other runs for 90 days', async () => {
    const alert = await addAlert(world.test.database, T0)
    const day = 86_400_000
    const rows = [
      ['nothing_new', T0 + day],
      ['nothing_new', T0 + 9 * day],
      ['sent', T0 + day],
      ['failed', T0 + 2 * day],
    ] as const
    for (const [status, at] of rows) {
      await world.test.database.db
        .insertInto('alert_history')
        .values({
          alert_id: alert.id,
          trigger: 'schedule',
          status,
          started_at: at,
          finished_at: at,
          window_from: T0,
          window_to: at,
          matched: 0,
          incident_ids: '[]',
          recipients: '[]',
          attempts: 0,
          possible_duplicate: 0,
        })
        .execute()
    }
    world.clock.set(T0 + 10 * day)
    await scheduler.tick()
    expect(
      (await listRuns(world.test.database, { alertId: alert.id })).map((r) => r.status).sort(),
    ).toEqual(['failed', 'nothing_new', 'nothing_new', 'sent'])
    world.clock.set(T0 + 95 * day)
    await scheduler.tick()
    const left = await listRuns(world.test.database, { alertId: alert.id })
    // The old rows are gone; what is left is the run of this tick, whose window covers everything.
    expect(left.map((r) => [r.startedAt, r.status])).toEqual([
      [new Date(T0 + 95 * day).toISOString(), 'nothing_new'],
    ])
  })
})
