import { sql } from 'kysely'

import type { Database } from '../db/database.js'
import type { IncidentsTable } from '../db/schema.js'
import { recordChange } from '../incidents/changes.js'

import type { TicketWorkKind } from './outbox.js'

/** An outbox row this worker holds a lease on. `attempts` counts this attempt. */
export interface ClaimedWork {
  id: number
  incidentId: number
  kind: TicketWorkKind
  attempts: number
}

export interface ClaimOptions {
  workerId: string
  now: number
  leaseMs: number
  limit: number
}

/** Ticket columns of the incident that an outcome changes. */
export interface IncidentTicketUpdate {
  ticket_state?: IncidentsTable['ticket_state']
  ticket_number?: string | null
  ticket_sys_id?: string | null
  ticket_error?: string | null
  ticket_noted_at?: number | null
  ticket_resolved_at?: number | null
  ticket_attempts?: number
  ticket_next_attempt_at?: number | null
}

/**
 * Claims due rows with a lease: the oldest waiting row of each incident whose earlier rows
 * are all finished, so one incident's work goes out in order and one row at a time. Each
 * claim is a conditional update, so two workers never hold the same row; a crashed worker's
 * rows become claimable again when their lease ends.
 */
export async function claimDueWork(
  database: Database,
  options: ClaimOptions,
): Promise<ClaimedWork[]> {
  const { now, workerId, leaseMs, limit } = options
  const candidates = await database.db
    .selectFrom('ticket_outbox as o')
    .select(['o.id', 'o.incident_id', 'o.kind', 'o.attempts'])
    .where('o.next_attempt_at', '<=', now)
    .where((eb) =>
      eb.or([
        eb('o.state', '=', 'pending'),
        eb.and([eb('o.state', '=', 'sending'), eb('o.claimed_until', '<', now)]),
      ]),
    )
    .where((outer) =>
      outer.not(
        outer.exists(
          outer
            .selectFrom('ticket_outbox as p')
            .select(sql<number>`1`.as('one'))
            .whereRef('p.incident_id', '=', 'o.incident_id')
            .whereRef('p.id', '<', 'o.id')
            .where((eb) =>
              eb.or([
                eb('p.state', 'in', ['pending', 'sending']),
                eb.and([eb('p.state', '=', 'failed'), eb('p.kind', '=', 'create')]),
              ]),
            ),
        ),
      ),
    )
    .orderBy('o.next_attempt_at')
    .orderBy('o.id')
    .limit(limit)
    .execute()

  const claimed: ClaimedWork[] = []
  for (const row of candidates) {
    const result = await database.db
      .updateTable('ticket_outbox')
      .set((eb) => ({
        state: 'sending',
        claimed_by: workerId,
        claimed_until: now + leaseMs,
        attempts: eb('attempts', '+', 1),
        updated_at: now,
      }))
      .where('id', '=', row.id)
      .where('attempts', '=', row.attempts)
      .where('next_attempt_at', '<=', now)
      .where((eb) =>
        eb.or([
          eb('state', '=', 'pending'),
          eb.and([eb('state', '=', 'sending'), eb('claimed_until', '<', now)]),
        ]),
      )
      .executeTakeFirst()
    if (result.numUpdatedRows === 1n) {
      claimed.push({
        id: row.id,
        incidentId: row.incident_id,
        kind: row.kind,
        attempts: row.attempts + 1,
      })
    }
  }

  return claimed
}

/** The outcome of one attempt, written with the incident's ticket columns in one transaction. */
export interface WorkOutcome {
  state: 'done' | 'pending' | 'failed'
  now: number
  nextAttemptAt?: number
  error?: string | null
  incident?: IncidentTicketUpdate
}

/**
 * Records an attempt's outcome, unless the lease was lost to another worker meanwhile
 * (then that worker's outcome counts). Returns false when the lease was lost.
 */
export async function finishWork(
  database: Database,
  work: ClaimedWork,
  workerId: string,
  outcome: WorkOutcome,
): Promise<boolean> {
  return database.transaction(async (tx) => {
    const result = await tx
      .updateTable('ticket_outbox')
      .set({
        state: outcome.state,
        claimed_by: null,
        claimed_until: null,
        last_error: outcome.error ?? null,
        updated_at: outcome.now,
        ...(outcome.nextAttemptAt === undefined ? {} : { next_attempt_at: outcome.nextAttemptAt }),
      })
      .where('id', '=', work.id)
      .where('state', '=', 'sending')
      .where('claimed_by', '=', workerId)
      .where('attempts', '=', work.attempts)
      .executeTakeFirst()
    if (result.numUpdatedRows !== 1n) return false

    if (outcome.incident !== undefined) {
      await tx
        .updateTable('incidents')
        .set({ ...outcome.incident, updated_at: outcome.now })
        .where('id', '=', work.incidentId)
        .execute()
      await recordChange(tx, database.dialect, {
        kind: 'updated',
        incidentId: work.incidentId,
        at: outcome.now,
      })
    }

    return true
  })
}

/** Rows per outbox state, for the backlog gauge. */
export async function countByState(database: Database): Promise<Record<string, number>> {
  const rows = await database.db
    .selectFrom('ticket_outbox')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('state')
    .execute()

  return Object.fromEntries(rows.map((row) => [row.state, row.n]))
}

/** Deletes done rows last touched before `before` (epoch ms); returns how many. */
export async function pruneDone(database: Database, before: number): Promise<number> {
  const result = await database.db
    .deleteFrom('ticket_outbox')
    .where('state', '=', 'done')
    .where('updated_at', '<', before)
    .executeTakeFirst()

  return Number(result.numDeletedRows)
}
