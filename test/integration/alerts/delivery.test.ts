import { PassThrough } from 'node:stream'

import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest'

import { findAlert } from '../../../src/alerts/alert-repository.js'
import { listRuns } from '../../../src/alerts/alert-run.js'
import { startAlertScheduler, type AlertScheduler } from '../../../src/alerts/alert-scheduler.js'
import { createLogger } from '../../../src/observability/logger.js'
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
import { parseMail } from './parse-mail.js'
import { startSmtpSink, type SmtpSink } from './smtp-sink.js'

describeEachDialect('alert delivery', (dialect) => {
  let sink: SmtpSink
  let test: TestDatabase
  let clock: ManualClock
  let scheduler: AlertScheduler
  const sleeps: number[] = []
  let onSleep: (() => void) | null = null

  beforeAll(async () => {
    sink = await startSmtpSink()
  })
  afterAll(async () => {
    await sink.stop()
  })
  beforeEach(async () => {
    sink.messages.length = 0
    sink.mode = 'accept'
    sleeps.length = 0
    onSleep = null
    test = await createTestDatabase(dialect)
    clock = new ManualClock()
    scheduler = startAlertScheduler({
      database: test.database,
      config: {
        smtp: smtpTo(sink.port),
        dataDir: '/nonexistent',
        publicUrl: 'https://alims.example.com',
      },
      logger: silentLogger,
      clock: clock.read,
      timers: false,
      retry: { attempts: 3, backoffMs: 100 },
      sleep: (ms) => {
        sleeps.push(ms)
        onSleep?.()

        return Promise.resolve()
      },
    })
  })
  afterEach(async () => {
    await sink.up()
    await scheduler()
    await test.cleanup()
  })

  it('loses and duplicates nothing when SMTP is down for three runs, and one email covers the window', async () => {
    const alert = await addAlert(test.database, T0)
    await sink.down()
    const ids: number[] = []
    for (let minute = 1; minute <= 3; minute += 1) {
      ids.push(
        await addIncident(test.database, {
          at: T0 + minute * MINUTE - 30_000,
          title: `ERROR outage ${minute}`,
        }),
      )
      clock.set(T0 + minute * MINUTE + 1000)
      expect((await scheduler.tick()).statuses).toEqual({ failed: 1 })
    }
    expect(sleeps).toEqual([100, 200, 100, 200, 100, 200])
    expect((await findAlert(test.database, alert.id))?.lastTriggeredAt).toBe(T0)

    await sink.up()
    ids.push(
      await addIncident(test.database, { at: T0 + 4 * MINUTE - 30_000, title: 'ERROR outage 4' }),
    )
    clock.set(T0 + 4 * MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ sent: 1 })
    clock.set(T0 + 5 * MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ nothing_new: 1 })

    expect(sink.messages).toHaveLength(1)
    const mail = parseMail(sink.messages[0]?.raw ?? '')
    for (let minute = 1; minute <= 4; minute += 1)
      expect(mail.text).toContain(`ERROR outage ${minute}`)

    const runs = (await listRuns(test.database, { alertId: alert.id })).reverse()
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
    const alert = await addAlert(test.database, T0)
    await addIncident(test.database, { at: T0 + 10_000 })
    sink.mode = 'reject'
    clock.set(T0 + MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ failed: 1 })

    const [run] = await listRuns(test.database, { alertId: alert.id })
    expect(run?.attempts).toBe(1)
    expect(run?.smtpReply).toMatch(/^554 Message rejected as spam/)
    expect(run?.error).toContain('554')
    expect(sleeps).toEqual([])
    expect(sink.messages).toHaveLength(0)
    expect((await findAlert(test.database, alert.id))?.lastTriggeredAt).toBe(T0)
  })

  it('retries a 4xx reply within the run and sends on the next attempt', async () => {
    const alert = await addAlert(test.database, T0)
    await addIncident(test.database, { at: T0 + 10_000 })
    sink.mode = 'tempfail'
    onSleep = () => {
      sink.mode = 'accept'
    }
    clock.set(T0 + MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ sent: 1 })
    const [run] = await listRuns(test.database, { alertId: alert.id })
    expect(run?.attempts).toBe(2)
    expect(sink.messages).toHaveLength(1)
  })

  it('records a stored query that no longer parses as a failed run that says why', async () => {
    const alert = await addAlert(test.database, T0)
    await test.database.db
      .updateTable('alerts')
      .set({ query: 'severity:' })
      .where('id', '=', alert.id)
      .execute()
    clock.set(T0 + MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ failed: 1 })
    const [run] = await listRuns(test.database, { alertId: alert.id })
    expect(run?.error).toMatch(/^QUERY_INVALID: /)
    expect((await findAlert(test.database, alert.id))?.nextRunAt).toBe(T0 + 2 * MINUTE)
  })

  it('keeps CR/LF in stored names and queries out of the headers, and escapes log text in HTML', async () => {
    // Written straight to the table, as if an older version had accepted it: the API refuses it.
    const alert = await addAlert(test.database, T0, { query: '' })
    await test.database.db
      .updateTable('alerts')
      .set({
        name: 'Checkout\r\nBcc: x@example.com',
        query: 'severity:HIGH OR "\r\nBcc: x@example.com"',
        subject: '{{alert.name}} {{query}}\r\nBcc: y@example.com',
      })
      .where('id', '=', alert.id)
      .execute()
    await addIncident(test.database, {
      at: T0 + 10_000,
      title: 'ERROR <script>alert(1)</script> & "quotes"\r\nBcc: z@example.com',
    })
    clock.set(T0 + MINUTE + 1000)
    expect((await scheduler.tick()).statuses).toEqual({ sent: 1 })

    const [received] = sink.messages
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
    scheduler = startAlertScheduler({
      database: test.database,
      config: {
        smtp: { ...smtpTo(sink.port), user: 'mailer', password: 'smtp-secret-pw' },
        dataDir: '/nonexistent',
        publicUrl: 'https://alims.example.com',
      },
      logger: createLogger({ level: 'debug', destination: stream }),
      clock: clock.read,
      timers: false,
      retry: { attempts: 2, backoffMs: 1 },
      sleep: () => Promise.resolve(),
    })
    await addAlert(test.database, T0, { recipients: ['private.person@example.com'] })
    await addIncident(test.database, {
      at: T0 + 10_000,
      title: 'ERROR token=hunter2 for user private.person',
    })
    sink.mode = 'reject'
    clock.set(T0 + MINUTE + 1000)
    await scheduler.tick()
    sink.mode = 'accept'
    clock.set(T0 + 2 * MINUTE + 1000)
    await scheduler.tick()

    const log = lines.join('')
    expect(log).toContain('alert email attempt failed')
    expect(log).toContain('alert run finished')
    for (const secret of ['hunter2', 'private.person', 'smtp-secret-pw', 'ERROR token']) {
      expect(log).not.toContain(secret)
    }
  })
})
