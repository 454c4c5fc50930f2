import type { Selectable } from 'kysely'

import type { AlertsTable } from '../db/schema.js'

/** When an alert runs. Interval and hourly runs align to UTC; daily and cron read a time zone. */
export type Schedule =
  | { kind: 'interval'; minutes: number }
  | { kind: 'hourly'; hours: number }
  | { kind: 'daily'; days: Weekday[]; at: string; timezone: string }
  | { kind: 'cron'; cron: string; timezone: string }

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
export type Weekday = (typeof WEEKDAYS)[number]

/** After downtime: one catch-up run at once, or wait for the next scheduled time. */
export type MissedPolicy = 'catch_up' | 'skip'
export const MISSED_POLICIES: readonly MissedPolicy[] = ['catch_up', 'skip']

/** What a user defines: everything of an alert except its state. */
export interface AlertDefinition {
  name: string
  query: string
  recipients: string[]
  subject: string
  body: string
  includeSummary: boolean
  /** The condition: at least this many occurrences among the new or recurring incidents. */
  minOccurrences: number
  schedule: Schedule
  enabled: boolean
  missedPolicy: MissedPolicy
  /** Storm guard: most emails of this alert in any rolling hour. */
  maxPerHour: number
}

/** An alert as stored: its definition plus the scheduler's state (epoch ms). */
export interface Alert extends AlertDefinition {
  id: number
  lastTriggeredAt: number
  /**
   * Incidents the last email listed for activity after its window's end, with that activity
   * time: the next run skips each one unless it was active again since.
   */
  reportedAhead: ReadonlyArray<readonly [incidentId: number, activityAt: number]>
  nextRunAt: number | null
  createdBy: number | null
  createdAt: number
  updatedAt: number
}

/** The alert JSON of the API (DESIGN.md). */
export interface AlertJson extends AlertDefinition {
  id: number
  lastTriggered: string
  nextRunAt: string | null
  createdAt: string
  updatedAt: string
}

/** Reads an `alerts` row. */
export function alertFromRow(row: Selectable<AlertsTable>): Alert {
  return {
    id: row.id,
    name: row.name,
    query: row.query,
    recipients: JSON.parse(row.recipients) as string[],
    subject: row.subject,
    body: row.body,
    includeSummary: row.include_summary === 1,
    minOccurrences: row.min_occurrences,
    schedule: JSON.parse(row.schedule) as Schedule,
    enabled: row.enabled === 1,
    missedPolicy: row.missed_policy,
    maxPerHour: row.max_per_hour,
    lastTriggeredAt: row.last_triggered_at,
    reportedAhead: JSON.parse(row.reported_ahead) as Array<[number, number]>,
    nextRunAt: row.next_run_at,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

const iso = (ms: number): string => new Date(ms).toISOString()

/** The API shape of an alert. */
export function alertJson(alert: Alert): AlertJson {
  return {
    id: alert.id,
    name: alert.name,
    query: alert.query,
    recipients: alert.recipients,
    subject: alert.subject,
    body: alert.body,
    includeSummary: alert.includeSummary,
    minOccurrences: alert.minOccurrences,
    schedule: alert.schedule,
    enabled: alert.enabled,
    missedPolicy: alert.missedPolicy,
    maxPerHour: alert.maxPerHour,
    lastTriggered: iso(alert.lastTriggeredAt),
    nextRunAt: alert.nextRunAt === null ? null : iso(alert.nextRunAt),
    createdAt: iso(alert.createdAt),
    updatedAt: iso(alert.updatedAt),
  }
}
