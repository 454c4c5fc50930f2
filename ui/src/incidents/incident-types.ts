/**
 * The API's shapes the incident views read. Incidents, tickets, severities and statuses are the
 * server's own (src/incidents/), so the two cannot drift apart; only severity.ts, which imports
 * nothing, is part of the bundle.
 */
import type {
  IncidentJson,
  IncidentStatus,
  TicketJson,
} from '../../../src/incidents/incident-json.js'
import type { Severity as ServerSeverity } from '../../../src/incidents/severity.js'

export { SEVERITIES } from '../../../src/incidents/severity.js'

export type Severity = ServerSeverity
export type Status = IncidentStatus
export type Ticket = TicketJson
export type Incident = IncidentJson

/** The label a status action button carries, by the status it sets; every status has one. */
export const STATUS_ACTIONS: Record<Status, string> = {
  open: 'Reopen',
  acknowledged: 'Acknowledge',
  resolved: 'Resolve',
  ignored: 'Ignore',
}

export const STATUSES = Object.keys(STATUS_ACTIONS) as Status[]

export interface HistoryEntry {
  at: string
  from: string
  to: string
  actor: string | null
  reason: string | null
}

export interface IncidentEvent {
  id: number
  kind: 'first' | 'latest'
  timestamp: string
  receivedAt: string
  source: string
  offset: number
  level: string
  message: string
  raw: string
  fields: Record<string, unknown>
}

export interface IncidentPage {
  items: Incident[]
  next: string | null
}

/** One message of GET /api/v1/stream. */
export interface IncidentChange {
  seq: number
  kind: 'created' | 'updated' | 'regressed' | 'status'
  incident: Incident | null
}
