import { PassThrough } from 'node:stream'

import { beforeEach, expect, it } from 'vitest'

import { findAlert } from '../../../src/alerts/alert-repository.js'
import { listRuns } from '../../../src/alerts/alert-run.js'
import type { AlertScheduler } from '../../../src/alerts/alert-scheduler.js'
import { createLogger } from '../../../src/observability/logger.js'
import { describeEachDialect } from '../../helpers/databases.js'

import { addAlert, addIncident, MINUTE, smtpTo, T0 } from './alert-fixtures.js'
import { useAlertWorld } from './alert-harness.js'
import { parseMail } from './parse-mail.js'

describeEachDialect('alert delivery', (dialect) => {
  const world = useAlertWorld(dialect)
  let scheduler: AlertScheduler
  const sleeps: number[] = []
  let onSleep: (() => void) | null = null

  beforeEach(() => {
    sleeps.length = 0
    onSleep = null
    scheduler = world.start({
      retry: { attempts: 3, backoffMs: 100 },
      sleep: (ms) => {
        sleeps.push(ms)
        onSleep?.()

        return Promise.resolve()
      },
    })
  })

  it('loses and duplicates nothing when SMTP is down for three runs, and one email covers the window', async () => {
    const alert = await addAlert(world.test.database, T0)
    await world.sink.down()
    const ids: number[] = []
    for (let minute = 1; minute <= 3; minute += 1) {
      ids.push(
        await addIncident(world.test.database, {
          at: T0 + minute * MINUTE - 30_000,
          title: `ERROR outage ${minute}`,
        }),
      )
      world.clock.set(T0 + minute * MINUTE + 1000)
      expect((await scheduler.tick()).statuses).toEqual({ failed: 1 })
    }
    expect(sleeps).toEqual([100, 200, 100, 200, 100, 200])
    expect((await findAlert(world.test.database, alert.id))?.lastTriggeredAt).toBe(T0)

    await world.sink.up()
    ids.push(
      await addIncident(world.test.database, {
        at: T0 + 4 * MINUTE - 30_000,
        title: 'ERROR outage 4',
      }),
    )
    world.clock.set(T0 + 4 * MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ sent: 1 })
    world.clock.set(T0 + 5 * MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ nothing_new: 1 })

    expect(world.sink.messages).toHaveLength(1)
    const mail = parseMail(world.sink.messages[0]?.raw ?? '')
    for (let minute = 1; minute <= 4; minute += 1)
      expect(mail.text).toContain(`ERROR outage ${minute}`)

    const runs = (await listRuns(world.test.database, { alertId: alert.id })).reverse()
    expect(runs.map((r) => [r.status, r.attempts])).toEqual([
      ['failed', 3],
      ['failed', 3],
      ['failed', 3],
      ['sent', 1],
      ['nothing_new', 0],
    ])
    expect(runs[0]?.error).toMatch(/ECONNREFUSED|ECONNECTION|connect/i)
    expect(runs[3]?.windowFrom).toBe(new Date(T0).toISOString())
    expect([...(runs[3]?.incidentIds ?? [])].sort()).toEqual([...ids].sort())
    // Every attempt at the same window carried the same Message-ID.
    expect(new Set(runs.slice(0, 4).map((r) => r.messageId))).toEqual(
      new Set([`<alert-${alert.id}-${T0}@alims>`]),
    )
  })

  it('records a 5xx reply after DATA as failed with the reply, without retrying', async () => {
    const alert = await addAlert(world.test.database, T0)
    await addIncident(world.test.database, { at: T0 + 10_000 })
    world.sink.mode = 'reject'
    world.clock.set(T0 + MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ failed: 1 })

    const [run] = await listRuns(world.test.database, { alertId: alert.id })
    expect(run?.attempts).toBe(1)
    expect(run?.smtpReply).toMatch(/^554 Message rejected as spam/)
    expect(run?.error).toContain('554')
    expect(sleeps).toEqual([])
    expect(world.sink.messages).toHaveLength(0)
    expect((await findAlert(world.test.database, alert.id))?.lastTriggeredAt).toBe(T0)
  })

  it('retries a 4xx reply within the run and sends on the next attempt', async () => {
    const alert = await addAlert(world.test.database, T0)
    await addIncident(world.test.database, { at: T0 + 10_000 })
    world.sink.mode = 'tempfail'
    onSleep = () => {
      world.sink.mode = 'accept'
    }
    world.clock.set(T0 + MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ sent: 1 })
    const [run] = await listRuns(world.test.database, { alertId: alert.id })
    expect(run?.attempts).toBe(2)
    expect(world.sink.messages).toHaveLength(1)
  })

  it('records a stored query that no longer parses as a failed run that says why', async () => {
    const alert = await addAlert(world.test.database, T0)
    await world.test.database.db
      .updateTable('alerts')
      .set({ query: 'severity:' })
      .where('id', '=', alert.id)
      .execute()
    world.clock.set(T0 + MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ failed: 1 })
    const [run] = await listRuns(world.test.database, { alertId: alert.id })
    expect(run?.error).toMatch(/^QUERY_INVALID: /)
    expect((await findAlert(world.test.database, alert.id))?.nextRunAt).toBe(T0 + 2 * MINUTE)
  })

  it('keeps CR/LF in stored names and queries out of the headers, and escapes log text in HTML', async () => {
    // Written straight to the table, as if an older version had accepted it: the API refuses it.
    const alert = await addAlert(world.test.database, T0, { query: '' })
    await world.test.database.db
      .updateTable('alerts')
      .set({
        name: 'Checkout\r\nBcc: x@example.com',
        query: 'severity:HIGH OR "\r\nBcc: x@example.com"',
        subject: '{{alert.name}} {{query}}\r\nBcc: y@example.com',
      })
      .where('id', '=', alert.id)
      .execute()
    await addIncident(world.test.database, {
      at: T0 + 10_000,
      title: 'ERROR <script>alert(1)</script> & "quotes"\r\nBcc: z@example.com',
    })
    world.clock.set(T0 + MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ sent: 1 })

    const [received] = world.sink.messages
    expect(received?.to).toEqual(['ops@example.com'])
    const mail = parseMail(received?.raw ?? '')
    expect(mail.header('subject')).toHaveLength(1)
    expect(mail.header('subject')[0]).toBe(
      'Checkout Bcc: x@example.com severity:HIGH OR " Bcc: x@example.com" Bcc: y@example.com',
    )
    expect(mail.header('bcc')).toEqual([])
    expect(mail.html).toContain(
      'ERROR &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;',
    )
    expect(mail.html).not.toContain('<script>')
    expect(mail.text).toContain('ERROR <script>alert(1)</script>')
  })

  it('logs run outcomes without incident text, email content or addresses, even at debug', async () => {
    const stream = new PassThrough()
    const lines: string[] = []
    stream.on('data', (c: Buffer) => lines.push(c.toString('utf8')))
    await scheduler()
    scheduler = world.start({
      config: {
        ...world.config,
        smtp: { ...smtpTo(world.sink.port), user: 'mailer', password: 'smtp-secret-pw' },
      },
      logger: createLogger({ level: 'debug', destination: stream }),
      retry: { attempts: 2, backoffMs: 1 },
      sleep: () => Promise.resolve(),
    })
    await addAlert(world.test.database, T0, { recipients: ['private.person@example.com'] })
    await addIncident(world.test.database, {
      at: T0 + 10_000,
      title: 'ERROR token=hunter2 for user private.person',
    })
    world.sink.mode = 'reject'
    world.clock.set(T0 + MINUTE + 1000)
    await scheduler.tick()
    world.sink.mode = 'accept'
    world.clock.set(T0 + 2 * MINUTE + 1000)
    await scheduler.tick()

    const log = lines.join('')
    expect(log).toContain('alert email attempt failed')
    expect(log).toContain('alert run finished')
    for (const secret of ['hunter2', 'private.person', 'smtp-secret-pw', 'ERROR token']) {
      expect(log).not.toContain(secret)
    }
  })
})
