import type { Config } from '../config/config.js'
import type { Tx } from '../db/database.js'
import { severityRank, type Severity } from '../incidents/severity.js'

/** The kinds of work the outbox carries to ServiceNow, in the order an incident needs them. */
export type TicketWorkKind = 'create' | 'note' | 'resolve'

/** When tickets are opened, noted and resolved; `enabled` is false when SNOW_* is unset. */
export interface TicketPolicy {
  enabled: boolean
  minSeverity: Severity
  /** At most one work note per ticket per this many milliseconds. */
  noteIntervalMs: number
  resolveTickets: boolean
}

/** One piece of work to queue, inside the caller's transaction. */
export interface TicketWork {
  incidentId: number
  kind: TicketWorkKind
  /** Epoch milliseconds. */
  now: number
}

export const DEFAULT_NOTE_INTERVAL_MS = 60 * 60 * 1000

/** The ticket policy of a configuration: off without ServiceNow settings. */
export function ticketPolicy(config: Pick<Config, 'serviceNow'>): TicketPolicy {
  const snow = config.serviceNow
  if (snow === null) {
    return {
      enabled: false,
      minSeverity: 'MEDIUM',
      noteIntervalMs: DEFAULT_NOTE_INTERVAL_MS,
      resolveTickets: false,
    }
  }

  return {
    enabled: true,
    minSeverity: snow.minSeverity,
    noteIntervalMs: snow.noteIntervalMs,
    resolveTickets: snow.resolveTickets,
  }
}

/** True when a new incident of `severity` gets a ticket: ticketing on, no rule opt-out, severe enough. */
export function shouldOpenTicket(
  severity: Severity,
  noTicket: boolean,
  policy: TicketPolicy,
): boolean {
  if (!policy.enabled || noTicket) return false

  return severityRank(severity) >= severityRank(policy.minSeverity)
}

/**
 * Queues ticket work for an incident in the caller's transaction, so that the work exists
 * exactly when the incident change commits. A `create` marks the incident's ticket pending
 * and is queued once per incident. A `note` is queued only for an incident that has a
 * ticket (or one on the way), coalesces into a note that is still waiting, and is not due
 * before the previous note plus the note interval: at most one note per interval whatever
 * the number of recurrences. A `resolve` is queued once for an incident with a ticket.
 * With a `policy` given, nothing is queued when ticketing is off, and resolves only when
 * resolving is configured.
 */
export async function enqueueTicketWork(
  tx: Tx,
  work: TicketWork,
  policy?: TicketPolicy,
): Promise<void> {
  if (policy !== undefined && !policy.enabled) return
  if (work.kind === 'resolve' && policy !== undefined && !policy.resolveTickets) return

  switch (work.kind) {
    case 'create':
      await enqueueCreate(tx, work)

      return
    case 'note':
      await enqueueNote(tx, work, policy?.noteIntervalMs ?? DEFAULT_NOTE_INTERVAL_MS)

      return
    case 'resolve':
      await enqueueResolve(tx, work)

      return
  }
}

async function insertRow(tx: Tx, work: TicketWork, dueAt: number): Promise<void> {
  await tx
    .insertInto('ticket_outbox')
    .values({
      incident_id: work.incidentId,
      kind: work.kind,
      payload: JSON.stringify({ queuedAt: work.now }),
      state: 'pending',
      attempts: 0,
      next_attempt_at: dueAt,
      last_error: null,
      claimed_by: null,
      claimed_until: null,
      created_at: work.now,
      updated_at: work.now,
    })
    .execute()
}

async function enqueueCreate(tx: Tx, work: TicketWork): Promise<void> {
  const existing = await tx
    .selectFrom('ticket_outbox')
    .select('id')
    .where('incident_id', '=', work.incidentId)
    .where('kind', '=', 'create')
    .executeTakeFirst()
  if (existing !== undefined) return

  await insertRow(tx, work, work.now)
  await tx
    .updateTable('incidents')
    .set({
      ticket_state: 'pending',
      ticket_error: null,
      ticket_attempts: 0,
      ticket_next_attempt_at: work.now,
    })
    .where('id', '=', work.incidentId)
    .execute()
}

async function ticketStateOf(tx: Tx, incidentId: number) {
  return tx
    .selectFrom('incidents')
    .select(['ticket_state', 'ticket_noted_at', 'ticket_resolved_at'])
    .where('id', '=', incidentId)
    .executeTakeFirst()
}

async function enqueueNote(tx: Tx, work: TicketWork, intervalMs: number): Promise<void> {
  const incident = await ticketStateOf(tx, work.incidentId)
  if (incident?.ticket_state == null) return

  const open = await tx
    .selectFrom('ticket_outbox')
    .select(['state'])
    .where('incident_id', '=', work.incidentId)
    .where('kind', '=', 'note')
    .where('state', 'in', ['pending', 'sending', 'failed'])
    .execute()
  // A waiting note reads the incident when it is sent, so it already carries this occurrence.
  if (open.some((row) => row.state === 'pending' || row.state === 'failed')) return

  // A note being sent right now counts as sent now: the next one waits a full interval.
  const lastSent = open.length > 0 ? work.now : incident.ticket_noted_at
  const dueAt = lastSent === null ? work.now : Math.max(work.now, lastSent + intervalMs)
  await insertRow(tx, work, dueAt)
}

async function enqueueResolve(tx: Tx, work: TicketWork): Promise<void> {
  const incident = await ticketStateOf(tx, work.incidentId)
  if (incident?.ticket_state == null) return

  const waiting = await tx
    .selectFrom('ticket_outbox')
    .select('id')
    .where('incident_id', '=', work.incidentId)
    .where('kind', '=', 'resolve')
    .where('state', 'in', ['pending', 'sending'])
    .executeTakeFirst()
  if (waiting !== undefined) return

  await insertRow(tx, work, work.now)
}

/**
 * Store hooks that queue ticket work: a create for each qualifying new incident and a
 * work note for each recurrence or regression of an incident with a ticket.
 */
export function ticketStoreHooks(policy: TicketPolicy): {
  incidentCreated(
    tx: Tx,
    incident: { id: number; severity: Severity; noTicket: boolean },
    now: number,
  ): Promise<void>
  incidentRecurred(tx: Tx, incident: { id: number }, now: number): Promise<void>
} {
  return {
    async incidentCreated(tx, incident, now) {
      if (!shouldOpenTicket(incident.severity, incident.noTicket, policy)) return

      await enqueueTicketWork(tx, { incidentId: incident.id, kind: 'create', now }, policy)
    },
    async incidentRecurred(tx, incident, now) {
      await enqueueTicketWork(tx, { incidentId: incident.id, kind: 'note', now }, policy)
    },
  }
}
