import { afterEach, beforeEach, expect, it } from 'vitest'

import { describeEachDialect } from '../../helpers/databases.js'
import { createWebHarness, ORIGIN, type WebHarness } from '../web/web-harness.js'

import { addIncident } from './alert-fixtures.js'
import { useSmtpSink } from './alert-harness.js'
import { parseMail } from './parse-mail.js'

interface AlertBody {
  id: number
  name: string
  query: string
  recipients: string[]
  enabled: boolean
  nextRunAt: string | null
  lastTriggered: string
  schedule: unknown
}

interface RunBody {
  id: number
  status: string
  trigger: string
  incidentIds: number[]
  messageId: string
}

describeEachDialect('alert API', (dialect) => {
  const mail = useSmtpSink()
  let web: WebHarness
  let editor: { cookie: string; csrf: string }
  let viewer: { cookie: string; csrf: string }

  beforeEach(async () => {
    web = await createWebHarness(dialect, {
      env: {
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(mail.sink.port),
        SMTP_SECURE: 'none',
        SMTP_FROM: 'alims@example.com',
      },
    })
    await web.addUser('erin', 'editor')
    await web.addUser('vic', 'viewer')
    editor = await web.login('erin')
    viewer = await web.login('vic')
  })
  afterEach(async () => {
    await web.close()
  })

  const call = (
    who: { cookie: string; csrf: string },
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
  ) =>
    web.app.inject({
      method,
      url,
      headers: { cookie: who.cookie, origin: ORIGIN, 'x-csrf-token': who.csrf },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    })

  const draft = {
    name: 'Checkout errors',
    query: 'severity:HIGH service:checkout',
    recipients: ['ops@example.com', 'oncall@example.com'],
    schedule: { kind: 'daily', days: ['mon', 'fri'], at: '09:00', timezone: 'Europe/Berlin' },
  }

  it('writes every change of an alert to the audit log with who made it', async () => {
    const created = await call(editor, 'POST', '/api/v1/alerts', draft)
    expect(created.statusCode).toBe(201)
    const id = created.json<AlertBody>().id
    const put = (body: Record<string, unknown>) => call(editor, 'PUT', `/api/v1/alerts/${id}`, body)
    expect((await put({ enabled: false })).statusCode).toBe(200)
    expect((await put({ enabled: true })).statusCode).toBe(200)
    expect((await put({ name: 'Checkout errors, EU' })).statusCode).toBe(200)
    // A refused change leaves no trace.
    expect((await put({ recipients: ['not an address'] })).statusCode).toBe(400)
    expect((await call(viewer, 'DELETE', `/api/v1/alerts/${id}`)).statusCode).toBe(403)
    expect((await call(editor, 'DELETE', `/api/v1/alerts/${id}`)).statusCode).toBe(204)

    const rows = await web.test.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor_name', 'target_type', 'target_id', 'details'])
      .where('action', 'like', 'alert.%')
      .orderBy('id')
      .execute()
    expect(rows.map((r) => [r.action, r.actor_name, r.target_type, r.target_id])).toEqual([
      ['alert.created', 'erin', 'alert', String(id)],
      ['alert.disabled', 'erin', 'alert', String(id)],
      ['alert.enabled', 'erin', 'alert', String(id)],
      ['alert.changed', 'erin', 'alert', String(id)],
      ['alert.deleted', 'erin', 'alert', String(id)],
    ])
    expect(JSON.parse(rows[3]?.details ?? '{}')).toEqual({
      name: 'Checkout errors, EU',
      enabled: true,
    })
  })

  it('creates, reads, changes, runs, tests and deletes an alert; viewers only read', async () => {
    const created = await call(editor, 'POST', '/api/v1/alerts', draft)
    expect(created.statusCode).toBe(201)
    const alert = created.json<AlertBody>()
    expect(alert).toMatchObject({
      name: 'Checkout errors',
      enabled: true,
      recipients: draft.recipients,
    })
    expect(alert.nextRunAt).toMatch(/T0[78]:00:00\.000Z$/)

    expect((await call(viewer, 'POST', '/api/v1/alerts', draft)).statusCode).toBe(403)
    expect((await call(viewer, 'POST', `/api/v1/alerts/${alert.id}/run`)).statusCode).toBe(403)
    expect(
      (await call(viewer, 'GET', '/api/v1/alerts')).json<{ items: AlertBody[] }>().items,
    ).toHaveLength(1)

    const off = await call(editor, 'PUT', `/api/v1/alerts/${alert.id}`, { enabled: false })
    expect(off.json<AlertBody>()).toMatchObject({
      enabled: false,
      nextRunAt: null,
      query: draft.query,
    })

    // Something new since the alert's window started, then a manual run.
    const since = Date.parse(alert.lastTriggered) - 10 * 60_000
    await web.test.database.db.updateTable('alerts').set({ last_triggered_at: since }).execute()
    const incident = await addIncident(web.test.database, {
      at: Date.now() - 60_000,
      title: 'ERROR card declined',
    })
    await addIncident(web.test.database, { at: Date.now() - 60_000, service: 'search' })
    const run = await call(editor, 'POST', `/api/v1/alerts/${alert.id}/run`)
    expect(run.statusCode).toBe(200)
    expect(run.json<RunBody>()).toMatchObject({
      status: 'sent',
      trigger: 'manual',
      incidentIds: [incident],
    })
    expect(mail.sink.messages.map((m) => m.to)).toEqual([draft.recipients])

    const test = await call(editor, 'POST', `/api/v1/alerts/${alert.id}/test`)
    expect(test.json<RunBody>()).toMatchObject({ status: 'sent', trigger: 'test' })
    expect(parseMail(mail.sink.messages[1]?.raw ?? '').header('subject')[0]).toMatch(
      /^\[test\] \[alims\] Checkout errors/,
    )

    const history = (await call(viewer, 'GET', `/api/v1/alerts/${alert.id}/history`)).json<{
      items: RunBody[]
    }>()
    expect(history.items.map((r) => r.trigger)).toEqual(['test', 'manual'])
    const global = (await call(viewer, 'GET', '/api/v1/alert-runs?status=sent&limit=1')).json<{
      items: RunBody[]
    }>()
    expect(global.items.map((r) => r.trigger)).toEqual(['test'])

    expect((await call(editor, 'DELETE', `/api/v1/alerts/${alert.id}`)).statusCode).toBe(204)
    const gone = await call(viewer, 'GET', `/api/v1/alerts/${alert.id}`)
    expect(gone.statusCode).toBe(404)
    expect(gone.json()).toEqual({
      error: { code: 'ALERT_NOT_FOUND', message: `alert ${alert.id} does not exist` },
    })
  })

  it('names the wrong field of a bad alert', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ recipients: ['ops@example.com', 'not an address'] }, 'recipients[1]'],
      [{ recipients: ['ops@example.com\r\nBcc: x@example.com'] }, 'recipients[0]'],
      [{ schedule: { kind: 'cron', cron: '61 * * * *', timezone: 'UTC' } }, 'schedule.cron'],
      [{ schedule: { kind: 'daily', at: '25:00', timezone: 'UTC' } }, 'schedule.at'],
      [
        { schedule: { kind: 'cron', cron: '* * * * *', timezone: 'Mars/Olympus' } },
        'schedule.timezone',
      ],
      [{ subject: 'Alert\r\nBcc: x@example.com' }, 'subject'],
      [{ body: 'Hello {{user.password}}' }, 'body'],
      [{ query: 'severity:' }, 'query'],
      [{ name: '' }, 'name'],
    ]
    for (const [change, field] of cases) {
      const response = await call(editor, 'POST', '/api/v1/alerts', { ...draft, ...change })
      expect(response.statusCode, field).toBe(400)
      expect(
        response.json<{ error: { field: string } }>().error.field,
        JSON.stringify(change),
      ).toBe(field)
      expect(response.body).not.toContain('    at ')
    }
  })

  it('previews a draft with half-typed recipients and shows the next five runs', async () => {
    await addIncident(web.test.database, {
      at: Date.now() - 60_000,
      title: 'ERROR <b>bold</b> payment',
    })
    const response = await call(viewer, 'POST', '/api/v1/alerts/preview', {
      ...draft,
      recipients: ['ops@'],
      schedule: { kind: 'interval', minutes: 15 },
    })
    expect(response.statusCode).toBe(200)
    const preview = response.json<{
      subject: string
      html: string
      nextRuns: string[]
      matched: number
    }>()
    expect(preview.subject).toBe('[alims] Checkout errors: 1 new or recurring incidents')
    expect(preview.html).toContain('ERROR &lt;b&gt;bold&lt;/b&gt; payment')
    expect(preview.matched).toBe(1)
    expect(preview.nextRuns).toHaveLength(5)
    const times = preview.nextRuns.map(Date.parse)
    expect(times.every((t, i) => i === 0 || t - (times[i - 1] ?? 0) === 15 * 60_000)).toBe(true)
  })
})
