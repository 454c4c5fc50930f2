/** The API's shapes the incident views read (see src/web/routes/incident-schemas.ts). */
export type Severity = 'HIGH' | 'MEDIUM' | 'LOW'
export type Status = 'open' | 'acknowledged' | 'resolved' | 'ignored'

export const SEVERITIES: readonly Severity[] = ['HIGH', 'MEDIUM', 'LOW']
export const STATUSES: readonly Status[] = ['open', 'acknowledged', 'resolved', 'ignored']

export interface Ticket {
  number: string | null
  sysId: string | null
  state: 'pending' | 'created' | 'failed'
  url: string | null
  error: string | null
}

export interface Incident {
  id: number
  severity: Severity
  status: Status
  title: string
  message: string
  template: string
  fingerprint: string
  source: string
  service: string
  rule: string | null
  tags: string[]
  firstSeen: string
  lastSeen: string
  count: number
  isRegression: boolean
  regressionCount: number
  createdAt: string
  activityAt: string
  updatedAt: string
  statusChangedAt: string | null
  statusChangedBy: string | null
  ticket: Ticket | null
}

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

/** The label a status action button carries, by the status it sets. */
export const STATUS_ACTIONS: Record<Status, string> = {
  open: 'Reopen',
  acknowledged: 'Acknowledge',
  resolved: 'Resolve',
  ignored: 'Ignore',
}
