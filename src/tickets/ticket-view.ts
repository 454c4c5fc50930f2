import type { ServiceNowConfig } from '../config/config.js'
import type { IncidentsTable } from '../db/schema.js'

/** The `ticket` of an incident in the API: its ServiceNow number and link, and its sync state. */
export interface TicketView {
  state: 'pending' | 'created' | 'failed'
  number: string | null
  sysId: string | null
  /** Link to the ticket in ServiceNow; null until it exists or without ServiceNow settings. */
  url: string | null
  /** Why the last attempt failed (code: message); null when it did not. */
  error: string | null
  attempts: number
  /** When the next attempt is due, epoch milliseconds; null when none is scheduled. */
  nextAttemptAt: number | null
}

type TicketColumns = Pick<
  IncidentsTable,
  'ticket_state' | 'ticket_number' | 'ticket_sys_id' | 'ticket_error'
> & { ticket_attempts: number; ticket_next_attempt_at: number | null }

/** The link to a ticket in the ServiceNow UI. */
export function ticketUrl(baseUrl: string, sysId: string): string {
  return `${baseUrl}/nav_to.do?uri=${encodeURIComponent(`incident.do?sys_id=${sysId}`)}`
}

/** An incident row's ticket for the API, or null when the incident has no ticket. */
export function ticketView(row: TicketColumns, snow: ServiceNowConfig | null): TicketView | null {
  if (row.ticket_state === null) return null

  return {
    state: row.ticket_state,
    number: row.ticket_number,
    sysId: row.ticket_sys_id,
    url:
      row.ticket_sys_id === null || snow === null
        ? null
        : ticketUrl(snow.baseUrl, row.ticket_sys_id),
    error: row.ticket_error,
    attempts: row.ticket_attempts,
    nextAttemptAt: row.ticket_state === 'created' ? null : row.ticket_next_attempt_at,
  }
}
