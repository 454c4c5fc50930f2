import type { Database, Tx } from '../db/database.js'
import { AppError } from '../errors/app-error.js'

import { recordChange } from './changes.js'

export const STATUSES = ['open', 'acknowledged', 'resolved', 'ignored'] as const
export type IncidentStatus = (typeof STATUSES)[number]

/** True when `value` names an incident status. */
export function isIncidentStatus(value: unknown): value is IncidentStatus {
  return typeof value === 'string' && (STATUSES as readonly string[]).includes(value)
}

/** Work other modules do in the same transaction as a status change (the ticket outbox). */
export interface StatusHooks {
  statusChanged?(
    tx: Tx,
    change: { incidentId: number; from: IncidentStatus; to: IncidentStatus },
    now: number,
  ): Promise<void>
}

export interface StatusChange {
  status: IncidentStatus
  /** Who made the change: a username, or `alims` for automatic changes. */
  actor: string
  reason?: string | null
  now?: number
}

/** What a status change did to one incident. */
export interface StatusChangeResult {
  id: number
  from: IncidentStatus
  to: IncidentStatus
  changed: boolean
}

/**
 * Sets the status of incidents, recording who and when in the status history and a change for
 * live updates, in one transaction. Setting the status an incident already has changes nothing.
 * Throws NOT_FOUND when an id does not exist (and then changes none of them).
 */
export async function changeIncidentStatus(
  database: Database,
  ids: readonly number[],
  change: StatusChange,
  hooks: StatusHooks = {},
): Promise<StatusChangeResult[]> {
  const now = change.now ?? Date.now()
  const unique = [...new Set(ids)].sort((a, b) => a - b)
  if (unique.length === 0) return []

  return database.transaction(async (tx) => {
    let query = tx.selectFrom('incidents').select(['id', 'status']).where('id', 'in', unique)
    if (database.dialect === 'postgres') query = query.forUpdate()
    const rows = await query.execute()
    if (rows.length !== unique.length) {
      const found = new Set(rows.map((r) => r.id))
      const missing = unique.filter((id) => !found.has(id))
      throw new AppError('NOT_FOUND', `incident ${missing.join(', ')} does not exist`, {
        status: 404,
      })
    }

    const results: StatusChangeResult[] = []
    for (const row of rows) {
      const from = row.status
      if (from === change.status) {
        results.push({ id: row.id, from, to: from, changed: false })
        continue
      }

      await tx
        .updateTable('incidents')
        .set({
          status: change.status,
          status_changed_at: now,
          status_changed_by: change.actor,
          updated_at: now,
          ...(change.status === 'open' ? {} : { is_regression: 0 }),
        })
        .where('id', '=', row.id)
        .execute()
      await tx
        .insertInto('incident_status_history')
        .values({
          incident_id: row.id,
          at: now,
          from_status: from,
          to_status: change.status,
          actor: change.actor,
          reason: change.reason ?? null,
        })
        .execute()
      await recordChange(tx, database.dialect, { kind: 'status', incidentId: row.id, at: now })
      await hooks.statusChanged?.(tx, { incidentId: row.id, from, to: change.status }, now)
      results.push({ id: row.id, from, to: change.status, changed: true })
    }

    return results
  })
}

/** One entry of an incident's status history, newest first. */
export interface StatusHistoryEntry {
  at: string
  from: string
  to: string
  actor: string | null
  reason: string | null
}

/** The status history of an incident, newest first. */
export async function statusHistory(database: Database, id: number): Promise<StatusHistoryEntry[]> {
  const rows = await database.db
    .selectFrom('incident_status_history')
    .selectAll()
    .where('incident_id', '=', id)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute()

  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    from: r.from_status,
    to: r.to_status,
    actor: r.actor,
    reason: r.reason,
  }))
}
