/** The shapes of the alert API (see /docs), as the pages use them. */
export type Weekday = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat'
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

export type Schedule =
  | { kind: 'interval'; minutes: number }
  | { kind: 'hourly'; hours: number }
  | { kind: 'daily'; days: Weekday[]; at: string; timezone: string }
  | { kind: 'cron'; cron: string; timezone: string }

export type RunStatus = 'running' | 'sent' | 'nothing_new' | 'failed' | 'outbox' | 'suppressed'

/** What the form edits. */
export interface AlertDraft {
  name: string
  query: string
  recipients: string[]
  subject: string
  body: string
  includeSummary: boolean
  minOccurrences: number
  schedule: Schedule
  enabled: boolean
  missedPolicy: 'catch_up' | 'skip'
  maxPerHour: number
}

export interface AlertRow extends AlertDraft {
  id: number
  lastTriggered: string
  nextRunAt: string | null
  lastRun?: { status: RunStatus; startedAt: string } | null
}

export interface RunRow {
  id: number
  alertId: number
  trigger: 'schedule' | 'manual' | 'test'
  status: RunStatus
  startedAt: string
  finishedAt: string | null
  windowFrom: string
  windowTo: string
  matched: number
  incidentIds: number[]
  recipients: string[]
  messageId: string | null
  smtpReply: string | null
  error: string | null
  attempts: number
  possibleDuplicate: boolean
}

export interface Preview {
  subject: string
  text: string
  html: string
  matched: number
  windowFrom: string
  windowTo: string
  nextRuns: string[]
}

export const DEFAULT_SUBJECT = '[alims] {{alert.name}}: {{count}} new or recurring incidents'
export const DEFAULT_BODY = [
  'Alert "{{alert.name}}" found {{count}} new or recurring incidents',
  'between {{window.from}} and {{window.to}}.',
  '',
  '{{incidents}}',
  '',
  'Open them in alims: {{link}}',
].join('\n')

/** A new alert's fields, with the search it was created from. */
export function newDraft(query: string): AlertDraft {
  return {
    name: '',
    query,
    recipients: [],
    subject: DEFAULT_SUBJECT,
    body: DEFAULT_BODY,
    includeSummary: true,
    minOccurrences: 1,
    schedule: { kind: 'interval', minutes: 15 },
    enabled: true,
    missedPolicy: 'catch_up',
    maxPerHour: 12,
  }
}

/** The editable fields of an alert from the API. */
export function draftOf(alert: AlertRow): AlertDraft {
  return {
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
  }
}

/** "every 15 minutes", "daily at 09:00 (Europe/Berlin) mon–fri", … */
export function describeSchedule(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'interval':
      return schedule.minutes === 1 ? 'every minute' : `every ${schedule.minutes} minutes`
    case 'hourly':
      return schedule.hours === 1 ? 'every hour' : `every ${schedule.hours} hours`
    case 'daily': {
      const days = schedule.days.length === 7 ? 'every day' : schedule.days.join(', ')
      return `${days} at ${schedule.at} (${schedule.timezone})`
    }
    case 'cron':
      return `cron ${schedule.cron} (${schedule.timezone})`
  }
}

/** A local date and time, or a dash. */
export function when(iso: string | null | undefined): string {
  return iso === null || iso === undefined ? '—' : new Date(iso).toLocaleString()
}

export const STATUS_LABELS: Record<RunStatus, string> = {
  running: 'running',
  sent: 'sent',
  nothing_new: 'nothing new',
  failed: 'failed',
  outbox: 'written to outbox',
  suppressed: 'suppressed (storm guard)',
}
