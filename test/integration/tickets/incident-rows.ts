import type { Db } from '../../../src/db/database.js'

export interface IncidentRowOptions {
  fingerprint?: string
  severity?: 'HIGH' | 'MEDIUM' | 'LOW'
  title?: string
  count?: number
  now?: number
}

let sequence = 0

/** Inserts an incident row with two sample events, as the store would; returns its id. */
export async function insertIncident(db: Db, options: IncidentRowOptions = {}): Promise<number> {
  sequence += 1
  const now = options.now ?? 1_700_000_000_000
  const fingerprint = options.fingerprint ?? `fp${process.pid}x${sequence}x${Date.now()}`
  const row = await db
    .insertInto('incidents')
    .values({
      fingerprint,
      status: 'open',
      severity: options.severity ?? 'HIGH',
      title: options.title ?? `ERROR payment failed for order <id> (${sequence})`,
      message: 'payment failed for order 42',
      template: 'payment failed for order <*>',
      service: 'checkout',
      source: '/var/log/checkout.log',
      rule: null,
      tags: '[]',
      first_seen_at: now,
      last_seen_at: now,
      created_at: now,
      activity_at: now,
      updated_at: now,
      count: options.count ?? 1,
      regression_count: 0,
      is_regression: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (const kind of ['first', 'latest'] as const) {
    await db
      .insertInto('incident_events')
      .values({
        incident_id: row.id,
        kind,
        at: now,
        received_at: now,
        source: '/var/log/checkout.log',
        offset: 0,
        level: 'ERROR',
        message: `payment failed for order ${kind === 'first' ? 42 : 43}`,
        raw: `2026-12-03T10:00:00Z ERROR payment failed for order ${kind === 'first' ? 42 : 43}`,
        fields: '{}',
      })
      .execute()
  }

  return row.id
}
