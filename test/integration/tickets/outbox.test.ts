import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { loadConfig } from '../../../src/config/config.js'
import {
  enqueueTicketWork,
  shouldOpenTicket,
  ticketPolicy,
  ticketStoreHooks,
  type TicketPolicy,
} from '../../../src/tickets/outbox.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

import { insertIncident } from './incident-rows.js'

const SNOW_ENV = { SNOW_INSTANCE: 'acme', SNOW_USER: 'alims', SNOW_PASS: 's3cret' }

describe('ticket policy', () => {
  it('is off when SNOW_INSTANCE is unset', () => {
    const policy = ticketPolicy(loadConfig({}, '/nonexistent'))

    expect(policy.enabled).toBe(false)
    expect(shouldOpenTicket('HIGH', false, policy)).toBe(false)
  })

  it('opens tickets for HIGH and MEDIUM by default', () => {
    const policy = ticketPolicy(loadConfig(SNOW_ENV, '/nonexistent'))

    expect(shouldOpenTicket('HIGH', false, policy)).toBe(true)
    expect(shouldOpenTicket('MEDIUM', false, policy)).toBe(true)
    expect(shouldOpenTicket('LOW', false, policy)).toBe(false)
    expect(shouldOpenTicket('HIGH', true, policy)).toBe(false)
  })

  it('honours ALIMS_TICKET_MIN_SEVERITY', () => {
    const high = ticketPolicy(
      loadConfig({ ...SNOW_ENV, ALIMS_TICKET_MIN_SEVERITY: 'high' }, '/nonexistent'),
    )
    const low = ticketPolicy(loadConfig({ ...SNOW_ENV, ALIMS_TICKET_MIN_SEVERITY: 'LOW' }, '/x'))

    expect(shouldOpenTicket('MEDIUM', false, high)).toBe(false)
    expect(shouldOpenTicket('LOW', false, low)).toBe(true)
    expect(() => loadConfig({ ...SNOW_ENV, ALIMS_TICKET_MIN_SEVERITY: 'urgent' }, '/x')).toThrow(
      /ALIMS_TICKET_MIN_SEVERITY must be one of high, medium, low/,
    )
  })
})

describe('ServiceNow settings', () => {
  it('names the variable and what it expected when a value is bad', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ SNOW_TIMEOUT_MS: 'soon' }, /^SNOW_TIMEOUT_MS must be an integer 100-600000, got "soon"$/],
      [{ ALIMS_TICKET_RESOLVE: 'maybe' }, /^ALIMS_TICKET_RESOLVE must be true or false/],
      [{ SNOW_CLIENT_ID: 'id' }, /^SNOW_CLIENT_SECRET must be set when SNOW_CLIENT_ID is set/],
      [{ SNOW_CA_FILE: '/nonexistent/ca.pem' }, /^SNOW_CA_FILE must be a readable PEM file/],
      [{ SNOW_INSTANCE: 'not a host!' }, /^SNOW_INSTANCE must be an instance name/],
    ]
    for (const [env, message] of bad) {
      expect(() => loadConfig({ ...SNOW_ENV, ...env }, '/nonexistent')).toThrow(message)
    }
  })

  it('reads the optional settings', () => {
    const snow = loadConfig(
      {
        ...SNOW_ENV,
        SNOW_CLIENT_ID: 'cid',
        SNOW_CLIENT_SECRET: 'csecret',
        ALIMS_TICKET_NOTE_INTERVAL_MINUTES: '15',
        ALIMS_TICKET_RESOLVE: 'yes',
        SNOW_CALLER_ID: 'abel.tuter',
        ALIMS_TICKET_CONCURRENCY: '2',
      },
      '/nonexistent',
    ).serviceNow

    expect(snow).toMatchObject({
      baseUrl: 'https://acme.service-now.com',
      oauth: { clientId: 'cid', clientSecret: 'csecret' },
      noteIntervalMs: 15 * 60_000,
      resolveTickets: true,
      callerId: 'abel.tuter',
      assignmentGroup: null,
      concurrency: 2,
      connectTimeoutMs: 10_000,
      timeoutMs: 30_000,
    })
  })
})

describeEachDialect('ticket outbox', (dialect) => {
  let t: TestDatabase
  const policy: TicketPolicy = {
    enabled: true,
    minSeverity: 'MEDIUM',
    noteIntervalMs: 60 * 60 * 1000,
    resolveTickets: true,
  }

  beforeAll(async () => {
    t = await createTestDatabase(dialect)
  })
  afterAll(async () => {
    await t.cleanup()
  })

  it('queues one create in the caller transaction and marks the ticket pending', async () => {
    const id = await insertIncident(t.database.db)
    await t.database.transaction(async (tx) => {
      await enqueueTicketWork(tx, { incidentId: id, kind: 'create', now: 1000 }, policy)
      await enqueueTicketWork(tx, { incidentId: id, kind: 'create', now: 1001 }, policy)
    })

    const rows = await t.database.db
      .selectFrom('ticket_outbox')
      .selectAll()
      .where('incident_id', '=', id)
      .execute()
    const incident = await t.database.db
      .selectFrom('incidents')
      .select(['ticket_state'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()

    expect(rows.map((r) => [r.kind, r.state, r.next_attempt_at])).toEqual([
      ['create', 'pending', 1000],
    ])
    expect(incident.ticket_state).toBe('pending')
  })

  it('queues nothing when the transaction rolls back', async () => {
    const id = await insertIncident(t.database.db)
    await expect(
      t.database.transaction(async (tx) => {
        await enqueueTicketWork(tx, { incidentId: id, kind: 'create', now: 1000 }, policy)
        throw new Error('store failed')
      }),
    ).rejects.toThrow('store failed')

    const rows = await t.database.db
      .selectFrom('ticket_outbox')
      .select('id')
      .where('incident_id', '=', id)
      .execute()

    expect(rows).toEqual([])
  })

  it('queues nothing when ticketing is off', async () => {
    const off = { ...policy, enabled: false }
    const id = await insertIncident(t.database.db)
    const hooks = ticketStoreHooks(off)
    await t.database.transaction(async (tx) => {
      await hooks.incidentCreated(tx, { id, severity: 'HIGH', noTicket: false }, 1000)
      await hooks.incidentRecurred(tx, { id }, 2000)
    })

    const count = await t.database.db
      .selectFrom('ticket_outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('incident_id', '=', id)
      .executeTakeFirstOrThrow()

    expect(count.n).toBe(0)
  })

  it('ignores notes and resolves for an incident without a ticket', async () => {
    const id = await insertIncident(t.database.db, { severity: 'LOW' })
    const hooks = ticketStoreHooks(policy)
    await t.database.transaction(async (tx) => {
      await hooks.incidentCreated(tx, { id, severity: 'LOW', noTicket: false }, 1000)
      await hooks.incidentRecurred(tx, { id }, 2000)
      await enqueueTicketWork(tx, { incidentId: id, kind: 'resolve', now: 3000 }, policy)
    })

    const rows = await t.database.db
      .selectFrom('ticket_outbox')
      .select('id')
      .where('incident_id', '=', id)
      .execute()

    expect(rows).toEqual([])
  })

  it('queues at most one note per interval for 10,000 occurrences', async () => {
    const id = await insertIncident(t.database.db)
    const start = 1_000_000
    await enqueueTicketWork(t.database.db, { incidentId: id, kind: 'create', now: start }, policy)
    // Occurrences every 1.8 s for 5 hours; notes are "sent" as soon as they are due.
    for (let i = 0; i < 10_000; i += 1) {
      const now = start + i * 1800
      await t.database.transaction(async (tx) => {
        await sendDueNotes(tx, id, now)
        await enqueueTicketWork(tx, { incidentId: id, kind: 'note', now }, policy)
      })
    }

    const rows = await t.database.db
      .selectFrom('ticket_outbox')
      .select(['kind', 'state', 'next_attempt_at', 'updated_at'])
      .where('incident_id', '=', id)
      .orderBy('id')
      .execute()
    const sent = rows.filter((r) => r.kind === 'note' && r.state === 'done')

    expect(rows.filter((r) => r.kind === 'create')).toHaveLength(1)
    expect(sent.length).toBe(5)
    for (let i = 1; i < sent.length; i += 1) {
      const gap = (sent[i]?.updated_at ?? 0) - (sent[i - 1]?.updated_at ?? 0)
      expect(gap).toBeGreaterThanOrEqual(policy.noteIntervalMs)
    }
    expect(rows.filter((r) => r.state === 'pending' && r.kind === 'note')).toHaveLength(1)
  })
})

/** Plays the drainer's part for notes: marks due notes sent and records when. */
async function sendDueNotes(
  tx: Parameters<typeof enqueueTicketWork>[0],
  incidentId: number,
  now: number,
): Promise<void> {
  const due = await tx
    .selectFrom('ticket_outbox')
    .select('id')
    .where('incident_id', '=', incidentId)
    .where('kind', '=', 'note')
    .where('state', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .execute()
  for (const row of due) {
    await tx
      .updateTable('ticket_outbox')
      .set({ state: 'done', updated_at: now })
      .where('id', '=', row.id)
      .execute()
    await tx
      .updateTable('incidents')
      .set({ ticket_noted_at: now })
      .where('id', '=', incidentId)
      .execute()
  }
}
