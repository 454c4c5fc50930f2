import type { Selectable } from 'kysely'

import type { IncidentsTable } from '../db/schema.js'

import type { Severity } from './severity.js'

/** An incident row as read from the database. */
export type IncidentRow = Selectable<IncidentsTable>

export type IncidentStatus = IncidentsTable['status']

/** The ServiceNow ticket of an incident; `url` is null when ServiceNow is not configured. */
export interface TicketJson {
  number: string | null
  sysId: string | null
  state: 'pending' | 'created' | 'failed'
  url: string | null
  /** Why the last attempt failed, when it did. */
  error: string | null
  /** Attempts of the ticket's current outbox work, and when the next one is due (ISO). */
  attempts: number
  nextAttemptAt: string | null
}

/** An incident as the API, the UI, alerts and the live stream show it. Times are ISO 8601 UTC. */
export interface IncidentJson {
  id: number
  severity: Severity
  status: IncidentStatus
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
  ticket: TicketJson | null
}

export interface IncidentJsonOptions {
  /** ServiceNow base URL without a trailing slash (config.serviceNow.baseUrl), or null. */
  snowBaseUrl?: string | null
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

function parseTags(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text)

    return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : []
  } catch {
    // Tags are written by the store as JSON; a damaged value shows as no tags rather than an error.
    return []
  }
}

/** The link that opens a ticket in ServiceNow, or null without a base URL or sys_id. */
export function ticketUrl(
  snowBaseUrl: string | null | undefined,
  sysId: string | null,
): string | null {
  if (snowBaseUrl === null || snowBaseUrl === undefined || sysId === null) return null

  const target = encodeURIComponent(`incident.do?sys_id=${sysId}`)

  return `${snowBaseUrl.replace(/\/+$/, '')}/nav_to.do?uri=${target}`
}

/** Maps a row to its JSON shape; every module that shows an incident uses this one mapping. */
export function toIncidentJson(row: IncidentRow, options: IncidentJsonOptions = {}): IncidentJson {
  const ticket: TicketJson | null =
    row.ticket_state === null
      ? null
      : {
          number: row.ticket_number,
          sysId: row.ticket_sys_id,
          state: row.ticket_state,
          url: ticketUrl(options.snowBaseUrl, row.ticket_sys_id),
          error: row.ticket_error,
          attempts: row.ticket_attempts,
          nextAttemptAt:
            row.ticket_next_attempt_at === null ? null : iso(row.ticket_next_attempt_at),
        }

  return {
    id: row.id,
    severity: row.severity,
    status: row.status,
    title: row.title,
    message: row.message,
    template: row.template,
    fingerprint: row.fingerprint,
    source: row.source,
    service: row.service,
    rule: row.rule,
    tags: parseTags(row.tags),
    firstSeen: iso(row.first_seen_at),
    lastSeen: iso(row.last_seen_at),
    count: row.count,
    isRegression: row.is_regression === 1,
    regressionCount: row.regression_count,
    createdAt: iso(row.created_at),
    activityAt: iso(row.activity_at),
    updatedAt: iso(row.updated_at),
    statusChangedAt: row.status_changed_at === null ? null : iso(row.status_changed_at),
    statusChangedBy: row.status_changed_by,
    ticket,
  }
}
