import { afterEach, beforeEach, expect, it } from 'vitest'

import { enqueueTicketWork } from '../../../src/tickets/outbox.js'
import { FakeServiceNow } from '../../fakes/servicenow-table-api.js'
import { describeEachDialect } from '../../helpers/databases.js'
import { createWebHarness, ORIGIN, type WebHarness } from '../web/web-harness.js'

import { insertIncident } from './incident-rows.js'

const PASS = 'Admin-Api-Secret-9'

interface Page {
  configured: boolean
  items: { id: number; kind: string; state: string; lastError: string | null }[]
  counts: Record<string, number>
  next: number | null
}

describeEachDialect('ticket admin API', (dialect) => {
  let fake: FakeServiceNow
  let web: WebHarness
  let admin: { cookie: string; csrf: string }

  async function start(fakeOptions: Parameters<typeof FakeServiceNow.start>[0] = {}, pass = PASS) {
    fake = await FakeServiceNow.start({ user: 'alims', password: PASS, ...fakeOptions })
    web = await createWebHarness(dialect, {
      env: {
        SNOW_INSTANCE: fake.url,
        SNOW_USER: 'alims',
        SNOW_PASS: pass,
        SNOW_TIMEOUT_MS: '1000',
      },
    })
    await web.addUser('root', 'admin')
    await web.addUser('ed', 'editor')
    admin = await web.login('root')
  }

  beforeEach(async () => {
    await start()
  })
  afterEach(async () => {
    await web.close()
    await fake.close()
  })

  const post = (url: string, who = admin) =>
    web.app.inject({
      method: 'POST',
      url,
      headers: { cookie: who.cookie, origin: ORIGIN, 'x-csrf-token': who.csrf },
    })

  it('lists the outbox for admins only, with counts and reasons', async () => {
    const db = web.test.database.db
    const a = await insertIncident(db)
    const b = await insertIncident(db)
    await enqueueTicketWork(db, { incidentId: a, kind: 'create', now: 1 })
    await enqueueTicketWork(db, { incidentId: b, kind: 'create', now: 2 })
    await db
      .updateTable('ticket_outbox')
      .set({
        state: 'failed',
        last_error: 'SNOW_REJECTED: ServiceNow rejected the request (HTTP 403)',
      })
      .where('incident_id', '=', b)
      .execute()
    const editor = await web.login('ed')

    const denied = await web.app.inject({
      url: '/api/v1/tickets/outbox',
      headers: { cookie: editor.cookie },
    })
    const response = await web.app.inject({
      url: '/api/v1/tickets/outbox',
      headers: { cookie: admin.cookie },
    })
    const failed = await web.app.inject({
      url: '/api/v1/tickets/outbox?state=failed',
      headers: { cookie: admin.cookie },
    })

    expect(denied.statusCode).toBe(403)
    expect(response.statusCode).toBe(200)
    const page = response.json<Page>()
    expect(page.configured).toBe(true)
    expect(page.counts).toEqual({ pending: 1, sending: 0, done: 0, failed: 1 })
    expect(page.items.map((i) => i.state)).toEqual(['failed', 'pending'])
    expect(failed.json<Page>().items).toMatchObject([
      { state: 'failed', lastError: 'SNOW_REJECTED: ServiceNow rejected the request (HTTP 403)' },
    ])
  })

  it('retries a failed row now and refuses rows that are done or unknown', async () => {
    const db = web.test.database.db
    const id = await insertIncident(db)
    await enqueueTicketWork(db, { incidentId: id, kind: 'create', now: 1 })
    await db
      .updateTable('ticket_outbox')
      .set({ state: 'failed', next_attempt_at: 1 })
      .where('incident_id', '=', id)
      .execute()
    await db.updateTable('incidents').set({ ticket_state: 'failed' }).where('id', '=', id).execute()
    const row = await db
      .selectFrom('ticket_outbox')
      .select('id')
      .where('incident_id', '=', id)
      .executeTakeFirstOrThrow()
    const editor = await web.login('ed')

    expect((await post(`/api/v1/tickets/outbox/${row.id}/retry`, editor)).statusCode).toBe(403)
    const retried = await post(`/api/v1/tickets/outbox/${row.id}/retry`)
    expect(retried.statusCode).toBe(200)
    expect(retried.json()).toMatchObject({ id: row.id, state: 'pending', attempts: 0 })
    expect(
      await db
        .selectFrom('incidents')
        .select('ticket_state')
        .where('id', '=', id)
        .executeTakeFirst(),
    ).toEqual({ ticket_state: 'pending' })
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'actor_name', 'target_id'])
      .where('action', '=', 'ticket.retry')
      .execute()
    expect(audit).toEqual([
      { action: 'ticket.retry', actor_name: 'root', target_id: String(row.id) },
    ])

    await db.updateTable('ticket_outbox').set({ state: 'done' }).where('id', '=', row.id).execute()
    const done = await post(`/api/v1/tickets/outbox/${row.id}/retry`)
    const missing = await post('/api/v1/tickets/outbox/999999/retry')
    expect(done.statusCode).toBe(409)
    expect(done.json()).toMatchObject({ error: { code: 'CONFLICT' } })
    expect(missing.statusCode).toBe(404)
  })

  it('tests the connection: credentials, table access and the itil role', async () => {
    const response = await post('/api/v1/tickets/connection-test')

    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      configured: true,
      ok: true,
      instance: fake.url,
      checks: [
        { name: 'auth', ok: true, detail: 'logged in as alims' },
        { name: 'table', ok: true, detail: 'the incident table is readable' },
        { name: 'role', ok: true, detail: 'alims has the itil role' },
      ],
    })
    expect(fake.requests.every((r) => r.method === 'GET')).toBe(true)
  })

  it('reports bad credentials without revealing them', async () => {
    await web.close()
    await fake.close()
    await start({}, 'Wrong-Password-7')

    const response = await post('/api/v1/tickets/connection-test')

    expect(response.json()).toMatchObject({
      ok: false,
      checks: [
        {
          name: 'auth',
          ok: false,
          detail: expect.stringMatching(/^SNOW_AUTH_FAILED: /) as unknown,
        },
      ],
    })
    expect(response.body).not.toContain('Wrong-Password-7')
    expect(web.logs()).not.toContain('Wrong-Password-7')
  })

  it('reports a user without the itil role', async () => {
    await web.close()
    await fake.close()
    await start({ itil: false })

    const response = await post('/api/v1/tickets/connection-test')

    expect(response.json()).toMatchObject({
      ok: false,
      checks: [
        { name: 'auth', ok: true },
        { name: 'table', ok: true },
        {
          name: 'role',
          ok: false,
          detail: 'alims lacks the itil role: grant it so that tickets can be created and updated',
        },
      ],
    })
  })
})
