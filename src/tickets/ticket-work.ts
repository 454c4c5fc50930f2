import type { ServiceNowConfig } from '../config/config.js'
import type { Db } from '../db/database.js'

import type { ClaimedWork, WorkOutcome } from './outbox-repository.js'
import type { ServiceNowClient } from './servicenow-client.js'
import { isTicketError } from './ticket-error.js'
import { createFields, workNote, type TicketSamples } from './ticket-content.js'

/** What performing one claimed row needs. */
export interface WorkContext {
  db: Db
  client: ServiceNowClient
  snow: ServiceNowConfig
  publicUrl: string
  clock: () => number
}

/** What happened at ServiceNow, for logs and metrics. */
export type WorkResult = 'created' | 'adopted' | 'noted' | 'resolved' | 'skipped'

async function loadIncident(db: Db, id: number) {
  return db
    .selectFrom('incidents')
    .select([
      'id',
      'fingerprint',
      'severity',
      'status',
      'title',
      'template',
      'service',
      'source',
      'count',
      'regression_count',
      'first_seen_at',
      'last_seen_at',
      'ticket_sys_id',
      'ticket_number',
      'ticket_resolved_at',
    ])
    .where('id', '=', id)
    .executeTakeFirst()
}

async function loadSamples(db: Db, incidentId: number): Promise<TicketSamples> {
  const first = await db
    .selectFrom('incident_events')
    .select('raw')
    .where('incident_id', '=', incidentId)
    .where('kind', '=', 'first')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst()
  const latest = await db
    .selectFrom('incident_events')
    .select('raw')
    .where('incident_id', '=', incidentId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()

  return { first: first?.raw ?? null, latest: latest?.raw ?? null }
}

async function noteArrived(
  client: ServiceNowClient,
  sysId: string,
  marker: string,
): Promise<boolean> {
  try {
    return await client.hasWorkNote(sysId, marker)
  } catch (error) {
    // Without read access to the journal, a rare repeated note beats a lost one.
    if (isTicketError(error) && error.permanent) return false

    throw error
  }
}

/**
 * Performs one claimed row against ServiceNow and says how to record it. A create that may
 * have reached ServiceNow before (any earlier attempt, including one cut short by a crash)
 * first looks the ticket up by correlation id and adopts it instead of creating another.
 * Failures are thrown (TicketError) for the drainer to schedule.
 */
export async function performWork(
  context: WorkContext,
  work: ClaimedWork,
): Promise<{ result: WorkResult; outcome: WorkOutcome; number?: string }> {
  const { db, client, snow, publicUrl } = context
  const incident = await loadIncident(db, work.incidentId)
  const done = (result: WorkResult, extra: Partial<WorkOutcome> = {}) => ({
    result,
    outcome: { state: 'done' as const, now: context.clock(), ...extra },
  })
  if (incident === undefined) return done('skipped', { error: 'incident no longer exists' })

  switch (work.kind) {
    case 'create': {
      if (incident.ticket_sys_id !== null) return done('skipped')

      let result: WorkResult = 'adopted'
      let ticket = work.attempts > 1 ? await client.findByCorrelationId(incident.fingerprint) : null
      if (ticket === null) {
        const samples = await loadSamples(db, incident.id)
        ticket = await client.create(createFields(incident, samples, snow, publicUrl))
        result = 'created'
      }

      return {
        ...done(result, {
          incident: {
            ticket_state: 'created',
            ticket_number: ticket.number,
            ticket_sys_id: ticket.sysId,
            ticket_error: null,
            ticket_attempts: work.attempts,
            ticket_next_attempt_at: null,
          },
        }),
        number: ticket.number,
      }
    }
    case 'note': {
      if (incident.ticket_sys_id === null) return done('skipped', { error: 'no ticket to note' })

      // The marker lets a retry see whether a note whose response was lost arrived after all.
      const marker = `alims-note-${work.id}`
      if (work.attempts > 1 && (await noteArrived(client, incident.ticket_sys_id, marker))) {
        return done('noted', { incident: { ticket_noted_at: context.clock(), ticket_error: null } })
      }

      const fields: Record<string, string> = {
        work_notes: `${workNote(incident, publicUrl)}\nReference: ${marker}`,
      }
      // A ticket alims resolved is reopened when the error comes back.
      // TODO(#7): ticket state is not read back from ServiceNow — a ticket closed there by hand gets the note but stays closed.
      const reopen = incident.ticket_resolved_at !== null && incident.status !== 'resolved'
      if (reopen) fields.state = '2'
      await client.update(incident.ticket_sys_id, fields)

      return done('noted', {
        incident: {
          ticket_noted_at: context.clock(),
          ticket_error: null,
          ...(reopen ? { ticket_resolved_at: null } : {}),
        },
      })
    }
    case 'resolve': {
      if (incident.ticket_sys_id === null) return done('skipped', { error: 'no ticket to resolve' })

      await client.update(incident.ticket_sys_id, {
        state: '6',
        close_code: snow.closeCode,
        close_notes: snow.closeNotes,
        work_notes: `alims: resolved. Occurrences: ${incident.count}.`,
      })

      return done('resolved', {
        incident: { ticket_resolved_at: context.clock(), ticket_error: null },
      })
    }
  }
}
