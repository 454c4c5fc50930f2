import { SqliteAdapter, type Insertable } from 'kysely'

import type { Db } from '../../../src/db/database.js'
import { refreshSearchDocuments } from '../../../src/db/migrations/003-search.js'
import type { IncidentsTable } from '../../../src/db/schema.js'

/** A fixed clock for search tests: 2026-06-01T12:00:00Z. */
export const NOW = Date.UTC(2026, 5, 1, 12, 0, 0)
export const MINUTE = 60_000
export const HOUR = 3_600_000
export const DAY = 86_400_000

/**
 * `samples` are stored as the incident's events and, as the store does after writing samples,
 * its search document is refreshed (unless `indexSamples` is false: before migration 003).
 */
export type IncidentSeed = Partial<Insertable<IncidentsTable>> & {
  samples?: string[]
  indexSamples?: boolean
}

let sequence = 0

/** Inserts an incident with Kysely directly (defaults fill what the seed leaves out); returns its id. */
export async function insertIncident(db: Db, seed: IncidentSeed = {}): Promise<number> {
  sequence += 1
  const { samples = [], indexSamples = true, ...fields } = seed
  const last = fields.last_seen_at ?? NOW - HOUR
  const first = fields.first_seen_at ?? last
  const row: Insertable<IncidentsTable> = {
    fingerprint: `fp-${sequence}-${Math.random().toString(36).slice(2, 8)}`,
    status: 'open',
    severity: 'MEDIUM',
    title: `incident ${sequence}`,
    message: `incident ${sequence}`,
    template: `incident <NUM>`,
    service: 'api',
    source: '/var/log/app/api.log',
    rule: null,
    tags: '[]',
    created_at: first,
    activity_at: last,
    updated_at: last,
    count: 1,
    regression_count: 0,
    is_regression: 0,
    status_changed_at: null,
    status_changed_by: null,
    ticket_state: null,
    ticket_number: null,
    ticket_sys_id: null,
    ticket_error: null,
    ...fields,
    first_seen_at: first,
    last_seen_at: last,
  }
  const { id } = await db
    .insertInto('incidents')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow()

  for (const [index, raw] of samples.entries()) {
    await db
      .insertInto('incident_events')
      .values({
        incident_id: id,
        kind: index === 0 ? 'first' : 'latest',
        at: first,
        received_at: first,
        source: row.source,
        offset: index * 100,
        level: 'error',
        message: raw,
        raw,
        fields: '{}',
      })
      .execute()
  }
  if (samples.length > 0 && indexSamples) {
    const dialect = db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres'
    await refreshSearchDocuments(db, dialect, [id])
  }
  if (samples.length > 0) {
    // Rewriting the title rebuilds the search document, samples included, whichever way the
    // index learns of new samples (a trigger on incident_events or the store's refresh).
    await db.updateTable('incidents').set({ title: row.title }).where('id', '=', id).execute()
  }
  await db
    .insertInto('incident_minutes')
    .values(
      [...new Set([first, last].map((t) => Math.floor(t / MINUTE) * MINUTE))].map((minute) => ({
        incident_id: id,
        minute,
        count: 1,
      })),
    )
    .execute()

  return id
}
