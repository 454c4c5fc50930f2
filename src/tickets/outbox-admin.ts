import type { Database, Db } from '../db/database.js'
import type { TicketOutboxTable } from '../db/schema.js'
import { AppError } from '../errors/app-error.js'
import { recordChange } from '../incidents/changes.js'

import type { TicketWorkKind } from './outbox.js'

export type OutboxState = TicketOutboxTable['state']

/** One outbox row as the admin API shows it; times are epoch milliseconds. */
export interface OutboxItem {
  id: number
  incidentId: number
  incidentTitle: string
  kind: TicketWorkKind
  state: OutboxState
  attempts: number
  nextAttemptAt: number | null
  lastError: string | null
  createdAt: number
  updatedAt: number
}

export interface OutboxPage {
  items: OutboxItem[]
  /** Rows per state over the whole outbox. */
  counts: Record<OutboxState, number>
  /** Pass as `before` for the next page; null on the last one. */
  next: number | null
}

export interface ListOutboxOptions {
  state?: OutboxState
  /** Rows with a smaller id than this (paging, newest first). */
  before?: number
  /** At most 500. */
  limit?: number
}

/** Who asked for a retry, for the audit log. */
export interface RetryActor {
  id: number | null
  name: string | null
  ip?: string | null
}

/** Lists outbox rows newest first, optionally of one state, with counts per state. */
export async function listOutbox(db: Db, options: ListOutboxOptions = {}): Promise<OutboxPage> {
  const limit = Math.min(500, Math.max(1, options.limit ?? 50))
  let query = db
    .selectFrom('ticket_outbox as o')
    .innerJoin('incidents as i', 'i.id', 'o.incident_id')
    .select([
      'o.id',
      'o.incident_id',
      'i.title',
      'o.kind',
      'o.state',
      'o.attempts',
      'o.next_attempt_at',
      'o.last_error',
      'o.created_at',
      'o.updated_at',
    ])
    .orderBy('o.id', 'desc')
    .limit(limit + 1)
  if (options.state !== undefined) query = query.where('o.state', '=', options.state)
  if (options.before !== undefined) query = query.where('o.id', '<', options.before)
  const rows = await query.execute()

  const grouped = await db
    .selectFrom('ticket_outbox')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('state')
    .execute()
  const counts: Record<OutboxState, number> = { pending: 0, sending: 0, done: 0, failed: 0 }
  for (const row of grouped) counts[row.state] = row.n

  const page = rows.slice(0, limit)

  return {
    items: page.map((row) => ({
      id: row.id,
      incidentId: row.incident_id,
      incidentTitle: row.title,
      kind: row.kind,
      state: row.state,
      attempts: row.attempts,
      nextAttemptAt: row.state === 'pending' ? row.next_attempt_at : null,
      lastError: row.last_error,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    })),
    counts,
    next: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  }
}

/**
 * Makes a failed or waiting row due now. A retried create looks its ticket up first, so a
 * retry never doubles a ticket. Throws NOT_FOUND, or CONFLICT for a row that is done or
 * being sent.
 */
export async function retryNow(
  database: Database,
  id: number,
  actor: RetryActor,
  now: number = Date.now(),
): Promise<OutboxItem> {
  await database.transaction(async (tx) => {
    const row = await tx
      .selectFrom('ticket_outbox')
      .select(['id', 'incident_id', 'kind', 'state'])
      .where('id', '=', id)
      .executeTakeFirst()
    if (row === undefined) {
      throw new AppError('NOT_FOUND', `outbox row ${id} does not exist`, { status: 404 })
    }
    if (row.state === 'done' || row.state === 'sending') {
      throw new AppError(
        'CONFLICT',
        `outbox row ${id} is ${row.state}; only pending or failed rows are retried`,
        {
          status: 409,
        },
      )
    }

    await tx
      .updateTable('ticket_outbox')
      .set({ state: 'pending', next_attempt_at: now, updated_at: now })
      .where('id', '=', id)
      .execute()
    if (row.kind === 'create') {
      await tx
        .updateTable('incidents')
        .set({ ticket_state: 'pending', ticket_next_attempt_at: now, updated_at: now })
        .where('id', '=', row.incident_id)
        .execute()
      await recordChange(tx, database.dialect, {
        kind: 'updated',
        incidentId: row.incident_id,
        at: now,
      })
    }
    await tx
      .insertInto('audit_log')
      .values({
        at: now,
        actor_id: actor.id,
        actor_name: actor.name,
        action: 'ticket.retry',
        target_type: 'ticket_outbox',
        target_id: String(id),
        ip: actor.ip ?? null,
        details: JSON.stringify({ incidentId: row.incident_id, kind: row.kind, from: row.state }),
      })
      .execute()
  })

  const page = await listOutbox(database.db, { before: id + 1, limit: 1 })
  const item = page.items[0]
  if (item?.id !== id)
    throw new AppError('NOT_FOUND', `outbox row ${id} does not exist`, { status: 404 })

  return item
}
