import { afterEach, beforeEach, expect, it } from 'vitest'

import { describeEachDialect } from '../../helpers/databases.js'

import { drainAll, ticketHarness, type TicketHarness } from './harness.js'
import { insertIncident } from './incident-rows.js'

describeEachDialect('a ServiceNow outage', (dialect) => {
  let h: TicketHarness

  beforeEach(async () => {
    h = await ticketHarness(dialect)
  })
  afterEach(async () => {
    await h.close()
  })

  it('gives each of 200 incidents created during a 2-minute outage exactly one ticket after it', async () => {
    const drainer = h.drainer()
    const ids: number[] = []
    // First minute: ServiceNow answers 503. Second minute: it commits but every response is lost.
    h.fake.inject({ kind: 'html-503' }, {})
    for (let i = 0; i < 200; i += 1) {
      if (i === 100) {
        h.fake.clearFaults()
        h.fake.inject({ kind: 'reset-after-commit' }, { method: 'POST' })
        h.fake.inject({ kind: 'reset' }, { method: 'GET' })
      }
      const id = await insertIncident(h.t.database.db, { now: h.clock.now })
      await h.enqueue(id, 'create')
      ids.push(id)
      await drainer.drainOnce()
      h.clock.advance(600)
    }

    const during = await h.t.database.db
      .selectFrom('incidents')
      .select(['ticket_state'])
      .where('id', 'in', ids)
      .execute()
    expect(during.filter((row) => row.ticket_state === 'created')).toEqual([])
    expect(during.filter((row) => row.ticket_state === 'failed').length).toBeGreaterThan(100)
    expect(h.fake.incidents().length).toBeGreaterThan(0)

    h.fake.clearFaults()
    await drainAll(h, drainer, 2000)

    const incidents = await h.t.database.db
      .selectFrom('incidents')
      .select(['fingerprint', 'ticket_state', 'ticket_number'])
      .where('id', 'in', ids)
      .execute()
    const tickets = h.fake.incidents()
    const byCorrelation = new Map(tickets.map((t) => [t.correlation_id, t.number]))

    expect(tickets).toHaveLength(200)
    expect(byCorrelation.size).toBe(200)
    for (const incident of incidents) {
      expect(incident.ticket_state).toBe('created')
      expect(byCorrelation.get(incident.fingerprint)).toBe(incident.ticket_number)
    }
    const outbox = await h.outbox()
    expect(outbox.every((row) => row.state === 'done')).toBe(true)
  }, 300_000)
})
