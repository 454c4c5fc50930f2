import type { ColumnType, Generated } from 'kysely'

/**
 * Table types shared by both dialects. Times are integer milliseconds since the epoch
 * and flags are 0/1 integers, so that rows read the same from SQLite and PostgreSQL
 * (docs/decisions/001-portable-column-types.md).
 */
type Id = Generated<number>
type Ms = number
type Flag = number
type Json = string

export interface AccountsTable {
  id: Id
  username: string
  email: string | null
  role: 'admin' | 'editor' | 'viewer'
  password_hash: string
  disabled: ColumnType<Flag, Flag | undefined, Flag>
  created_at: Ms
  updated_at: Ms
  password_changed_at: Ms
  last_login_at: Ms | null
}

export interface SessionsTable {
  /** sha256 of the session id held by the browser */
  id: string
  account_id: number
  csrf_token: string
  created_at: Ms
  last_seen_at: Ms
  expires_at: Ms
  ip: string | null
  user_agent: string | null
}

export interface ApiTokensTable {
  id: Id
  name: string
  account_id: number
  role: 'admin' | 'editor' | 'viewer'
  token_hash: string
  prefix: string
  created_at: Ms
  expires_at: Ms | null
  revoked_at: Ms | null
  last_used_at: Ms | null
}

export interface AuditLogTable {
  id: Id
  at: Ms
  actor_id: number | null
  actor_name: string | null
  action: string
  target_type: string | null
  target_id: string | null
  ip: string | null
  details: Json | null
}

export interface LoginAttemptsTable {
  id: Id
  at: Ms
  username: string
  ip: string
  success: Flag
}

export interface ProcessedLogsTable {
  id: Id
  /** device:inode:headHash — the file's identity across renames */
  identity: string
  path: string
  device: string
  inode: string
  head_hash: string
  /** bytes the head hash covers (0-1024) */
  head_length: ColumnType<number, number | undefined, number>
  offset: number
  size: number
  lines_read: number
  events: number
  skipped: Json
  last_event_at: Ms | null
  last_error: string | null
  updated_at: Ms
}

export interface IncidentsTable {
  id: Id
  fingerprint: string
  status: 'open' | 'acknowledged' | 'resolved' | 'ignored'
  severity: 'HIGH' | 'MEDIUM' | 'LOW'
  title: string
  message: string
  template: string
  service: string
  source: string
  rule: string | null
  tags: Json
  /** time of the first and latest event, as the log said (or read time) */
  first_seen_at: Ms
  last_seen_at: Ms
  /** when alims created the row and when it last recorded an occurrence: the alert window clock */
  created_at: Ms
  activity_at: Ms
  updated_at: Ms
  count: number
  regression_count: ColumnType<number, number | undefined, number>
  is_regression: ColumnType<Flag, Flag | undefined, Flag>
  status_changed_at: Ms | null
  status_changed_by: string | null
  ticket_state: 'pending' | 'created' | 'failed' | null
  ticket_number: string | null
  ticket_sys_id: string | null
  ticket_error: string | null
  /** outbox attempts of the ticket's current work, when it is next tried, last note, resolve */
  ticket_attempts: ColumnType<number, number | undefined, number>
  ticket_next_attempt_at: ColumnType<Ms | null, Ms | null | undefined, Ms | null>
  ticket_noted_at: ColumnType<Ms | null, Ms | null | undefined, Ms | null>
  ticket_resolved_at: ColumnType<Ms | null, Ms | null | undefined, Ms | null>
}

export interface IncidentMinutesTable {
  incident_id: number
  minute: Ms
  count: number
}

export interface IncidentEventsTable {
  id: Id
  incident_id: number
  kind: 'first' | 'latest'
  at: Ms
  received_at: Ms
  source: string
  offset: number
  level: string
  message: string
  raw: string
  fields: Json
}

export interface IncidentStatusHistoryTable {
  id: Id
  incident_id: number
  at: Ms
  from_status: string
  to_status: string
  actor: string | null
  reason: string | null
}

export interface ChangesTable {
  seq: Id
  at: Ms
  kind: string
  incident_id: number | null
}

export interface TicketOutboxTable {
  id: Id
  incident_id: number
  kind: 'create' | 'note' | 'resolve'
  payload: Json
  state: 'pending' | 'sending' | 'done' | 'failed'
  attempts: number
  next_attempt_at: Ms
  last_error: string | null
  claimed_by: string | null
  claimed_until: Ms | null
  created_at: Ms
  updated_at: Ms
}

export interface AlertsTable {
  id: Id
  name: string
  query: string
  min_occurrences: number
  recipients: Json
  subject: string
  body: string
  include_summary: Flag
  schedule: Json
  enabled: Flag
  missed_policy: 'catch_up' | 'skip'
  max_per_hour: number
  last_triggered_at: Ms
  /** `[[incidentId, activityAt], …]` listed by the last email for activity after its window */
  reported_ahead: ColumnType<Json, Json | undefined, Json>
  next_run_at: Ms | null
  claimed_by: string | null
  claim_expires_at: Ms | null
  created_by: number | null
  created_at: Ms
  updated_at: Ms
}

export interface AlertHistoryTable {
  id: Id
  alert_id: number
  trigger: 'schedule' | 'manual' | 'test'
  status: 'running' | 'sent' | 'nothing_new' | 'failed' | 'outbox' | 'suppressed'
  started_at: Ms
  finished_at: Ms | null
  window_from: Ms
  window_to: Ms
  matched: number
  incident_ids: Json
  recipients: Json
  message_id: string | null
  smtp_reply: string | null
  error: string | null
  attempts: number
  possible_duplicate: Flag
}

export interface SavedSearchesTable {
  id: Id
  name: string
  /** the search language, as typed */
  query: string
  owner_id: number
  /** 1: every account sees it; 0: only its owner */
  shared: ColumnType<Flag, Flag | undefined, Flag>
  created_at: Ms
  updated_at: Ms
}

export interface Schema {
  accounts: AccountsTable
  sessions: SessionsTable
  api_tokens: ApiTokensTable
  audit_log: AuditLogTable
  login_attempts: LoginAttemptsTable
  processed_logs: ProcessedLogsTable
  incidents: IncidentsTable
  incident_minutes: IncidentMinutesTable
  incident_events: IncidentEventsTable
  incident_status_history: IncidentStatusHistoryTable
  changes: ChangesTable
  ticket_outbox: TicketOutboxTable
  alerts: AlertsTable
  alert_history: AlertHistoryTable
  saved_searches: SavedSearchesTable
}
