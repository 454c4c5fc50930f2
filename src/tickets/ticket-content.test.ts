import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { loadConfig } from '../config/config.js'

import {
  createFields,
  description,
  impactUrgency,
  oneLine,
  shortDescription,
  workNote,
  type TicketIncident,
} from './ticket-content.js'

const incident: TicketIncident = {
  id: 7,
  fingerprint: 'a1b2c3',
  severity: 'HIGH',
  status: 'open',
  title: 'database connection refused',
  template: 'connection to <*> refused',
  service: 'orders',
  source: '/var/log/orders.log',
  count: 12,
  regression_count: 0,
  first_seen_at: Date.UTC(2026, 0, 2, 3, 4, 5),
  last_seen_at: Date.UTC(2026, 0, 2, 4, 0, 0),
}

describe('ticket content', () => {
  it('keeps any short description on one line of at most 160 characters without control characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (title) => {
        const text = shortDescription({ ...incident, title })

        expect(Array.from(text).length).toBeLessThanOrEqual(160)
        // eslint-disable-next-line no-control-regex -- asserting control characters are gone
        expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/)
      }),
    )
  })

  it('cuts long text with an ellipsis without splitting a surrogate pair', () => {
    const text = oneLine('😀'.repeat(200), 160)

    expect(Array.from(text)).toHaveLength(160)
    expect(text.endsWith('😀…')).toBe(true)
  })

  it('maps severity to impact and urgency and never sets priority', () => {
    const snow = loadConfig(
      { SNOW_INSTANCE: 'acme', SNOW_USER: 'u', SNOW_PASS: 'p', SNOW_CMDB_CI: 'orders-db' },
      '/nonexistent',
    ).serviceNow
    if (snow === null) throw new Error('not configured')

    const fields = createFields(incident, { first: 'a', latest: 'b' }, snow, 'https://alims.test')

    expect(impactUrgency('HIGH')).toEqual({ impact: '1', urgency: '1' })
    expect(impactUrgency('MEDIUM')).toEqual({ impact: '2', urgency: '2' })
    expect(impactUrgency('LOW')).toEqual({ impact: '3', urgency: '3' })
    expect(fields).toMatchObject({
      impact: '1',
      urgency: '1',
      correlation_id: 'a1b2c3',
      correlation_display: 'alims',
      cmdb_ci: 'orders-db',
    })
    expect(fields).not.toHaveProperty('priority')
    expect(fields).not.toHaveProperty('assignment_group')
  })

  it('writes the description with template, samples, count, times and link', () => {
    const text = description(
      incident,
      { first: 'line one\u0000\nline two', latest: 'latest line' },
      'https://alims.test',
    )

    expect(text).toMatchInlineSnapshot(`
      "alims incident 7 (HIGH) in orders

      Template: connection to <*> refused
      Occurrences: 12
      First seen: 2026-01-02T03:04:05.000Z
      Last seen: 2026-01-02T04:00:00.000Z
      Source: /var/log/orders.log
      Fingerprint: a1b2c3
      Details: https://alims.test/incidents/7

      First sample:
      line one 
      line two

      Latest sample:
      latest line"
    `)
  })

  it('writes a work note with the new count', () => {
    expect(workNote({ ...incident, regression_count: 2 }, 'https://alims.test'))
      .toMatchInlineSnapshot(`
        "alims: the error recurred (regressions: 2).
        Occurrences: 12
        Last seen: 2026-01-02T04:00:00.000Z
        Status in alims: open
        Details: https://alims.test/incidents/7"
      `)
  })
})
