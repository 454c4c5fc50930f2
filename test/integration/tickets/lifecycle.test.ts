import { Writable } from 'node:stream'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { loadConfig } from '../../../src/config/config.js'
import { createLogger } from '../../../src/observability/logger.js'
import { registry } from '../../../src/observability/metrics.js'
import { enqueueTicketWork, ticketPolicy, ticketStoreHooks } from '../../../src/tickets/outbox.js'
import { startTicketDrainer } from '../../../src/tickets/ticket-drainer.js'
import { createTestDatabase, describeEachDialect } from '../../helpers/databases.js'

import { drainAll, ticketHarness, type TicketHarness } from './harness.js'
import { insertIncident } from './incident-rows.js'

const HOUR = 60 * 60 * 1000

describeEachDialect('ticket lifecycle', (dialect) => {
  let h: TicketHarness

  beforeEach(async () => {
    h = await ticketHarness(dialect, {
      env: { ALIMS_TICKET_RESOLVE: 'true', SNOW_CLOSE_CODE: 'Solved (Work Around)' },
    })
  })
  afterEach(async () => {
    await h.close()
  })

  it('adds at most one work note per interval while an error keeps recurring', async () => {
    const policy = ticketPolicy(h.config)
    const hooks = ticketStoreHooks(policy)
    const id = await insertIncident(h.t.database.db)
    await h.t.database.transaction(async (tx) => {
      await hooks.incidentCreated(tx, { id, severity: 'HIGH', noTicket: false }, h.clock.now)
    })
    const drainer = h.drainer()
    await drainAll(h, drainer)
    const start = h.clock.now

    // 10,000 occurrences over 5 hours, the worker draining as it goes.
    for (let i = 1; i <= 10_000; i += 1) {
      h.clock.now = start + i * 1800
      await h.t.database.transaction(async (tx) => {
        await tx
          .updateTable('incidents')
          .set({ count: i + 1 })
          .where('id', '=', id)
          .execute()
        await hooks.incidentRecurred(tx, { id }, h.clock.now)
      })
      if (i % 100 === 0) await drainer.drainOnce()
    }
    await drainAll(h, drainer)

    const ticket = h.fake.incidents()[0]
    const notes = h.fake.workNotes.get(ticket?.sys_id ?? '') ?? []
    const patches = h.fake.requests.filter((r) => r.method === 'PATCH')

    expect(h.fake.incidents()).toHaveLength(1)
    expect(notes.length).toBeGreaterThanOrEqual(5)
    expect(notes.length).toBeLessThanOrEqual(6)
    expect(notes[0]).toMatch(/^alims: the error recurred \(still happening\)\.\nOccurrences: \d+\n/)
    expect(notes.at(-1)).toContain('Occurrences: 10001')
    expect(notes.at(-1)).toContain(`Details: https://alims.example.com/incidents/${id}`)
    expect(patches).toHaveLength(notes.length)
    const sentAt = (await h.outbox(id))
      .filter((r) => r.kind === 'note' && r.state === 'done')
      .map((r) => r.next_attempt_at)
    for (let i = 1; i < sentAt.length; i += 1) {
      expect((sentAt[i] ?? 0) - (sentAt[i - 1] ?? 0)).toBeGreaterThanOrEqual(HOUR)
    }
  }, 300_000)

  it('resolves the ticket when the incident is resolved, and reopens it on regression', async () => {
    const policy = ticketPolicy(h.config)
    const id = await insertIncident(h.t.database.db)
    await h.enqueue(id, 'create')
    const drainer = h.drainer()
    await drainAll(h, drainer)

    await h.t.database.transaction(async (tx) => {
      await tx.updateTable('incidents').set({ status: 'resolved' }).where('id', '=', id).execute()
      await enqueueTicketWork(tx, { incidentId: id, kind: 'resolve', now: h.clock.now }, policy)
    })
    await drainAll(h, drainer)
    const resolved = { ...h.fake.incidents()[0] }

    await h.t.database.transaction(async (tx) => {
      await tx
        .updateTable('incidents')
        .set({ status: 'open', regression_count: 1 })
        .where('id', '=', id)
        .execute()
      await enqueueTicketWork(tx, { incidentId: id, kind: 'note', now: h.clock.now }, policy)
    })
    await drainAll(h, drainer)
    const reopened = h.fake.incidents()[0]

    expect(resolved).toMatchObject({
      state: '6',
      active: 'false',
      close_code: 'Solved (Work Around)',
      close_notes: 'Resolved in alims: the error stopped recurring.',
    })
    expect(reopened).toMatchObject({ state: '2', active: 'true' })
    expect(h.fake.workNotes.get(reopened?.sys_id ?? '')?.at(-1)).toMatch(
      /^alims: the error recurred \(regressions: 1\)\./,
    )
    expect(await h.incident(id)).toMatchObject({
      ticket_resolved_at: null,
      ticket_state: 'created',
    })
  })

  it('sends a work note once when its response is lost', async () => {
    const id = await insertIncident(h.t.database.db)
    await h.enqueue(id, 'create')
    const drainer = h.drainer()
    await drainAll(h, drainer)
    h.fake.inject({ kind: 'reset-after-commit' }, { method: 'PATCH', times: 1 })

    await h.enqueue(id, 'note')
    await drainAll(h, drainer)

    const ticket = h.fake.incidents()[0]
    const notes = h.fake.workNotes.get(ticket?.sys_id ?? '') ?? []
    expect(notes).toHaveLength(1)
    expect(notes[0]).toMatch(/\nReference: alims-note-\d+$/)
    expect((await h.outbox(id)).map((r) => [r.kind, r.state, r.attempts])).toEqual([
      ['create', 'done', 1],
      ['note', 'done', 2],
    ])
    expect((await h.incident(id)).ticket_noted_at).toBe(h.clock.now)
  })

  it('reports the backlog as a metric and deletes done rows after 30 days', async () => {
    const old = await insertIncident(h.t.database.db)
    const waiting = await insertIncident(h.t.database.db)
    await h.enqueue(old, 'create')
    await h.t.database.db
      .updateTable('ticket_outbox')
      .set({ state: 'done', updated_at: h.clock.now - 31 * 24 * HOUR })
      .where('incident_id', '=', old)
      .execute()
    await h.enqueue(waiting, 'create')
    h.fake.inject({ kind: 'data-policy' }, {})
    const drainer = h.drainer({ pollMs: 10 })

    drainer.start()
    for (let i = 0; i < 200 && (await h.outbox(old)).length > 0; i += 1) {
      await new Promise((done) => setTimeout(done, 10))
    }
    await drainer.stop()
    const metrics = await registry.getSingleMetricAsString('alims_ticket_outbox_rows')

    expect(await h.outbox(old)).toEqual([])
    expect(await h.outbox(waiting)).toHaveLength(1)
    expect(metrics).toContain('alims_ticket_outbox_rows{state="pending"} 1')
    expect(metrics).toContain('alims_ticket_outbox_rows{state="done"} 0')
  })

  it('does not resolve tickets unless configured', async () => {
    const policy = { ...ticketPolicy(h.config), resolveTickets: false }
    const id = await insertIncident(h.t.database.db)
    await h.enqueue(id, 'create')
    await enqueueTicketWork(h.t.database.db, { incidentId: id, kind: 'resolve', now: 1 }, policy)

    expect((await h.outbox(id)).map((r) => r.kind)).toEqual(['create'])
  })

  it('never lets two drainers send the same row', async () => {
    const ids: number[] = []
    for (let i = 0; i < 40; i += 1) {
      const id = await insertIncident(h.t.database.db)
      await h.enqueue(id, 'create')
      ids.push(id)
    }
    const a = h.drainer()
    const b = h.drainer()

    for (let round = 0; round < 30; round += 1) {
      await Promise.all([a.drainOnce(), b.drainOnce()])
    }

    const posts = h.fake.requests.filter((r) => r.method === 'POST')
    expect(h.fake.incidents()).toHaveLength(40)
    expect(posts).toHaveLength(40)
    expect((await h.outbox()).every((r) => r.state === 'done' && r.attempts === 1)).toBe(true)
  })
})

describe('ticketing off', () => {
  it('queues nothing and logs no error when SNOW_* is unset', async () => {
    const t = await createTestDatabase('sqlite')
    const lines: string[] = []
    const logger = createLogger({
      level: 'trace',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString('utf8'))
          done()
        },
      }),
    })
    const config = loadConfig({ SNOW_USER: 'someone' }, '/nonexistent')
    const stop = startTicketDrainer({ database: t.database, config, logger })
    const hooks = ticketStoreHooks(ticketPolicy(config))
    const id = await insertIncident(t.database.db)
    await t.database.transaction(async (tx) => {
      await hooks.incidentCreated(tx, { id, severity: 'HIGH', noTicket: false }, 1)
      await hooks.incidentRecurred(tx, { id }, 2)
    })
    await stop()

    const rows = await t.database.db.selectFrom('ticket_outbox').selectAll().execute()
    const incident = await t.database.db
      .selectFrom('incidents')
      .select('ticket_state')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    const levels = lines.map((l) => JSON.parse(l) as { level: number; msg: string })
    await t.cleanup()

    expect(config.serviceNow).toBeNull()
    expect(rows).toEqual([])
    expect(incident.ticket_state).toBeNull()
    expect(levels.filter((l) => l.level >= 40)).toEqual([])
    expect(levels.map((l) => l.msg)).toEqual(['ticketing off: SNOW_INSTANCE is not set'])
  })
})
