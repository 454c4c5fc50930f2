import { afterEach, beforeEach, expect, it } from 'vitest'

import { describeEachDialect } from '../../helpers/databases.js'

import { drainAll, SNOW_PASS, SNOW_USER, ticketHarness, type TicketHarness } from './harness.js'
import { insertIncident } from './incident-rows.js'

const BASIC = Buffer.from(`${SNOW_USER}:${SNOW_PASS}`).toString('base64')

function expectNoSecrets(h: TicketHarness, extra: unknown[] = []): void {
  const text = [...h.logs, ...extra.map((e) => JSON.stringify(e))].join('\n')
  expect(text).not.toContain(SNOW_PASS)
  expect(text).not.toContain(BASIC)
}

describeEachDialect('ticket drainer against the fake ServiceNow', (dialect) => {
  let h: TicketHarness

  beforeEach(async () => {
    h = await ticketHarness(dialect)
  })
  afterEach(async () => {
    expectNoSecrets(h)
    await h.close()
  })

  async function queued(options: Parameters<typeof insertIncident>[1] = {}): Promise<number> {
    const id = await insertIncident(h.t.database.db, options)
    await h.enqueue(id, 'create')

    return id
  }

  it('creates a ticket with the fields ServiceNow expects and records it on the incident', async () => {
    const id = await queued({
      severity: 'MEDIUM',
      title: `\u001b[31mPayment\u0007 failed\r\n for order ${'x'.repeat(300)}`,
    })
    await drainAll(h, h.drainer())

    const [ticket] = h.fake.incidents()
    const incident = await h.incident(id)
    const post = h.fake.requests.find((r) => r.method === 'POST')
    const sent = JSON.parse(post?.body ?? '{}') as Record<string, string>

    expect(h.fake.incidents()).toHaveLength(1)
    expect(Array.from(ticket?.short_description ?? '').length).toBeLessThanOrEqual(160)
    expect(ticket?.short_description).toMatch(
      /^\[alims\] MEDIUM checkout: \[31mPayment failed for order x+…$/,
    )
    // eslint-disable-next-line no-control-regex -- asserting control characters are gone
    expect(ticket?.short_description).not.toMatch(/[\u0000-\u001f]/)
    expect(ticket?.description).toContain('Template: payment failed for order <*>')
    expect(ticket?.description).toContain(
      'First sample:\n2026-12-03T10:00:00Z ERROR payment failed for order 42',
    )
    expect(ticket?.description).toContain(
      'Latest sample:\n2026-12-03T10:00:00Z ERROR payment failed for order 43',
    )
    expect(ticket?.description).toContain('Occurrences: 1')
    expect(ticket?.description).toContain(`Details: https://alims.example.com/incidents/${id}`)
    expect(ticket?.description).toContain('First seen: 2023-11-14T22:13:20.000Z')
    expect([ticket?.impact, ticket?.urgency, ticket?.priority]).toEqual(['2', '2', '3'])
    expect(sent.priority).toBeUndefined()
    expect(ticket?.correlation_id).toBe(incident.fingerprint)
    expect(ticket?.correlation_display).toBe('alims')
    expect(ticket?.assignment_group).toMatch(/^[0-9a-f]{32}$/)
    expect(post?.path).toContain('sysparm_input_display_value=true')
    expect(post?.authorization).toBe(`Basic ${BASIC}`)
    expect(incident).toMatchObject({
      ticket_state: 'created',
      ticket_number: ticket?.number,
      ticket_sys_id: ticket?.sys_id,
      ticket_error: null,
      ticket_attempts: 1,
    })
    expect(ticket?.number).toMatch(/^INC\d{7}$/)
    expect(await h.outbox(id)).toMatchObject([{ kind: 'create', state: 'done', attempts: 1 }])
  })

  it.each([
    ['the response is delayed past the client timeout', { kind: 'delay-after-create', ms: 1500 }],
    ['the connection is reset after the commit', { kind: 'reset-after-commit' }],
    ['the JSON body is truncated', { kind: 'truncated-json' }],
  ] as const)('ends with exactly one ticket when %s', async (_name, fault) => {
    const id = await queued()
    h.fake.inject(fault, { method: 'POST', times: 1 })
    const drainer = h.drainer()

    await drainAll(h, drainer)

    const incident = await h.incident(id)
    const tickets = h.fake.incidents()
    const lookups = h.fake.requests.filter((r) => r.method === 'GET')

    expect(tickets).toHaveLength(1)
    expect(incident.ticket_number).toBe(tickets[0]?.number)
    expect(incident.ticket_state).toBe('created')
    expect(lookups).toHaveLength(1)
    expect(lookups[0]?.path).toContain(
      encodeURIComponent(`correlation_id=${String(incident.fingerprint)}^active=true`),
    )
    expect(await h.outbox(id)).toMatchObject([{ state: 'done', attempts: 2 }])
  })

  it('retries a connection reset before the request is handled', async () => {
    const id = await queued()
    h.fake.inject({ kind: 'reset' }, { times: 2 })

    await drainAll(h, h.drainer())

    expect(h.fake.incidents()).toHaveLength(1)
    expect(await h.outbox(id)).toMatchObject([{ state: 'done', attempts: 3 }])
  })

  it('shows a failed ticket with reason, attempts and next attempt while ServiceNow fails', async () => {
    const id = await queued()
    h.fake.inject({ kind: 'html-503' }, { times: 3 })
    const drainer = h.drainer({ random: () => 0 })

    await drainer.drainOnce()
    const during = await h.incident(id)

    expect(during).toMatchObject({
      ticket_state: 'failed',
      ticket_attempts: 1,
      ticket_next_attempt_at: h.clock.now + 1000,
    })
    expect(during.ticket_error).toMatch(/^SNOW_SERVER_ERROR: ServiceNow failed \(HTTP 503\)/)
    await drainer.drainOnce()
    expect(h.fake.requests).toHaveLength(1)

    await drainAll(h, drainer)

    expect(h.fake.incidents()).toHaveLength(1)
    expect(await h.incident(id)).toMatchObject({ ticket_state: 'created', ticket_error: null })
    expect(await h.outbox(id)).toMatchObject([{ state: 'done', attempts: 4 }])
  })

  it('treats a 200 HTML hibernation page as a failure and retries', async () => {
    const id = await queued()
    h.fake.inject({ kind: 'hibernating' }, { times: 1 })
    const drainer = h.drainer()

    await drainer.drainOnce()

    expect((await h.incident(id)).ticket_error).toBe(
      'SNOW_BAD_RESPONSE: ServiceNow answered, but not with JSON but got an HTML page with HTTP 200 (is the instance hibernating?)',
    )
    expect(await h.outbox(id)).toMatchObject([{ state: 'pending', attempts: 1 }])

    await drainAll(h, drainer)

    expect(h.fake.incidents()).toHaveLength(1)
  })

  it('honours Retry-After on 429 and pauses all sending until then', async () => {
    const first = await queued()
    const second = await queued()
    h.fake.inject({ kind: 'rate-limit', retryAfterSeconds: 30 }, { times: 1 })
    const drainer = h.drainer({ concurrency: 1 })
    const start = h.clock.now

    expect(await drainer.drainOnce()).toBe(1)
    expect(await h.outbox(first)).toMatchObject([
      { state: 'pending', next_attempt_at: start + 30_000 },
    ])
    h.clock.advance(29_000)
    expect(await drainer.drainOnce()).toBe(0)
    expect(await h.outbox(second)).toMatchObject([{ state: 'pending', attempts: 0 }])

    h.clock.advance(1_000)
    await drainAll(h, drainer)

    expect(h.fake.incidents()).toHaveLength(2)
    expect((await h.incident(first)).ticket_error).toBeNull()
  })

  it('fails permanently on 401 with a clear reason and does not retry', async () => {
    await h.close()
    h = await ticketHarness(dialect, { fake: { password: 'another-password' } })
    const id = await queued()
    const drainer = h.drainer()

    await drainer.drainOnce()
    h.clock.advance(24 * 60 * 60 * 1000)
    expect(await drainer.drainOnce()).toBe(0)

    const incident = await h.incident(id)
    expect(incident).toMatchObject({ ticket_state: 'failed', ticket_next_attempt_at: null })
    expect(incident.ticket_error).toBe(
      'SNOW_AUTH_FAILED: ServiceNow rejected the credentials (HTTP 401: User Not Authenticated: Required to provide Auth information): check SNOW_USER and SNOW_PASS',
    )
    expect(await h.outbox(id)).toMatchObject([{ state: 'failed', attempts: 1 }])
    expect(h.logs.some((l) => l.includes('"level":50') && l.includes('SNOW_AUTH_FAILED'))).toBe(
      true,
    )
    expectNoSecrets(h, [incident])
  })

  it('fails permanently on a 403 data policy and keeps later work for the incident waiting', async () => {
    const id = await queued()
    const other = await queued()
    h.fake.inject({ kind: 'data-policy' }, { method: 'POST', times: 1 })
    const drainer = h.drainer({ concurrency: 1 })
    await drainer.drainOnce()
    await h.enqueue(id, 'note')

    await drainAll(h, drainer)

    const incident = await h.incident(id)
    expect(incident.ticket_state).toBe('failed')
    expect(incident.ticket_error).toBe(
      'SNOW_REJECTED: ServiceNow rejected the request (HTTP 403: Operation Failed: Data Policy Exception: Assignment group is mandatory)',
    )
    expect((await h.outbox(id)).map((r) => [r.kind, r.state])).toEqual([
      ['create', 'failed'],
      ['note', 'pending'],
    ])
    expect((await h.incident(other)).ticket_state).toBe('created')
    expect(h.fake.incidents()).toHaveLength(1)
  })

  it('refuses to adopt or create when the lookup query is ignored, then adopts the right ticket', async () => {
    const first = await queued()
    await drainAll(h, h.drainer())
    const id = await queued()
    h.fake.inject({ kind: 'delay-after-create', ms: 1500 }, { method: 'POST', times: 1 })
    h.fake.inject({ kind: 'invalid-query' }, { method: 'GET', times: 1 })
    const drainer = h.drainer()

    await drainer.drainOnce()
    h.clock.advance(60_000)
    await drainer.drainOnce()
    expect((await h.incident(id)).ticket_error).toMatch(
      /^SNOW_BAD_RESPONSE: ServiceNow ignored the correlation_id lookup query/,
    )

    await drainAll(h, drainer)

    const incident = await h.incident(id)
    const tickets = h.fake.incidents()
    expect(tickets).toHaveLength(2)
    expect(incident.ticket_number).not.toBe((await h.incident(first)).ticket_number)
    expect(tickets.find((t) => t.number === incident.ticket_number)?.correlation_id).toBe(
      incident.fingerprint,
    )
  })

  it('retries while ServiceNow is unreachable', async () => {
    const id = await queued()
    await h.fake.close()
    const drainer = h.drainer()

    await drainer.drainOnce()

    expect((await h.incident(id)).ticket_error).toMatch(
      /^SNOW_UNREACHABLE: ServiceNow request failed: connection refused$/,
    )
    expect(await h.outbox(id)).toMatchObject([{ state: 'pending', attempts: 1 }])
  })
})

describeEachDialect('ticket drainer with OAuth', (dialect) => {
  let h: TicketHarness
  const oauth = { clientId: 'alims-client', clientSecret: 'client-Secret-123' }

  beforeEach(async () => {
    h = await ticketHarness(dialect, {
      fake: { oauth },
      env: { SNOW_CLIENT_ID: oauth.clientId, SNOW_CLIENT_SECRET: oauth.clientSecret },
    })
  })
  afterEach(async () => {
    await h.close()
  })

  it('refreshes the token once on 401 and carries on', async () => {
    const a = await insertIncident(h.t.database.db)
    await h.enqueue(a, 'create')
    const drainer = h.drainer()
    await drainAll(h, drainer)
    h.fake.expireTokens()
    const b = await insertIncident(h.t.database.db)
    await h.enqueue(b, 'create')

    await drainAll(h, drainer)

    const grants = h.fake.requests
      .filter((r) => r.path === '/oauth_token.do')
      .map((r) => new URLSearchParams(r.body).get('grant_type'))
    expect(grants).toEqual(['password', 'refresh_token'])
    expect(h.fake.incidents()).toHaveLength(2)
    expect(h.fake.requests.filter((r) => r.status === 401)).toHaveLength(1)
    expect(h.logs.join('\n')).not.toContain(oauth.clientSecret)
    expect(h.logs.join('\n')).not.toContain(SNOW_PASS)
  })

  it('fails with a clear reason when the refreshed token is refused too', async () => {
    const id = await insertIncident(h.t.database.db)
    await h.enqueue(id, 'create')
    h.fake.inject({ kind: 'unauthorized' }, { times: 2 })

    await h.drainer().drainOnce()

    expect((await h.incident(id)).ticket_error).toMatch(/^SNOW_AUTH_FAILED: /)
    expect(await h.outbox(id)).toMatchObject([{ state: 'failed' }])
  })
})
