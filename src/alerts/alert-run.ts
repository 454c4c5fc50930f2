import type { Selectable } from 'kysely'

import type { Database } from '../db/database.js'
import type { AlertHistoryTable } from '../db/schema.js'

export type RunStatus = AlertHistoryTable['status']
export type RunTrigger = AlertHistoryTable['trigger']

/** A run in the API (DESIGN.md), plus trigger, recipients, SMTP reply, attempts and the duplicate mark. */
export interface AlertRunJson {
  id: number
  alertId: number
  trigger: RunTrigger
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

const iso = (ms: number): string => new Date(ms).toISOString()

/** Maps an `alert_history` row to its API shape. */
export function alertRunJson(row: Selectable<AlertHistoryTable>): AlertRunJson {
  return {
    id: row.id,
    alertId: row.alert_id,
    trigger: row.trigger,
    status: row.status,
    startedAt: iso(row.started_at),
    finishedAt: row.finished_at === null ? null : iso(row.finished_at),
    windowFrom: iso(row.window_from),
    windowTo: iso(row.window_to),
    matched: row.matched,
    incidentIds: JSON.parse(row.incident_ids) as number[],
    recipients: JSON.parse(row.recipients) as string[],
    messageId: row.message_id,
    smtpReply: row.smtp_reply,
    error: row.error,
    attempts: row.attempts,
    possibleDuplicate: row.possible_duplicate === 1,
  }
}

/** Which runs to list: one alert's or all, newest first, `before` a run id for the next page. */
export interface RunListOptions {
  alertId?: number
  status?: RunStatus
  limit?: number
  before?: number
}

/** Lists runs newest first (at most 500 at a time, default 50). */
export async function listRuns(
  database: Database,
  options: RunListOptions = {},
): Promise<AlertRunJson[]> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500)
  let query = database.db.selectFrom('alert_history').selectAll()
  if (options.alertId !== undefined) query = query.where('alert_id', '=', options.alertId)
  if (options.status !== undefined) query = query.where('status', '=', options.status)
  if (options.before !== undefined) query = query.where('id', '<', options.before)
  const rows = await query.orderBy('id', 'desc').limit(limit).execute()

  return rows.map(alertRunJson)
}

/** One run, or null. */
export async function findRun(database: Database, id: number): Promise<AlertRunJson | null> {
  const row = await database.db
    .selectFrom('alert_history')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()

  return row === undefined ? null : alertRunJson(row)
}

/** The latest scheduled or manual run of an alert, for lists. */
export interface LastRun {
  status: RunStatus
  startedAt: string
}

/** The latest run (test emails aside) of each of `alertIds`, in one query. */
export async function lastRuns(
  database: Database,
  alertIds: readonly number[],
): Promise<Map<number, LastRun>> {
  const found = new Map<number, LastRun>()
  if (alertIds.length === 0) return found

  const rows = await database.db
    .selectFrom('alert_history')
    .select(['alert_id', 'status', 'started_at'])
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('alert_history')
        .select((e) => e.fn.max('id').as('id'))
        .where('alert_id', 'in', alertIds)
        .where('trigger', '!=', 'test')
        .groupBy('alert_id'),
    )
    .execute()
  for (const row of rows) {
    found.set(row.alert_id, {
      status: row.status,
      startedAt: new Date(row.started_at).toISOString(),
    })
  }

  return found
}

/** How long runs stay in history: quiet runs a week, the others (emails, failures) 90 days. */
export const HISTORY_RETENTION = { nothingNewMs: 7 * 86_400_000, otherMs: 90 * 86_400_000 }

/**
 * Deletes runs past their retention; a frequent alert records a quiet run every few minutes,
 * which would otherwise grow the table without bound. Returns the number of rows deleted.
 */
export async function pruneRuns(database: Database, now: number): Promise<number> {
  const quiet = await database.db
    .deleteFrom('alert_history')
    .where('status', '=', 'nothing_new')
    .where('started_at', '<', now - HISTORY_RETENTION.nothingNewMs)
    .executeTakeFirst()
  const old = await database.db
    .deleteFrom('alert_history')
    .where('status', '!=', 'running')
    .where('started_at', '<', now - HISTORY_RETENTION.otherMs)
    .executeTakeFirst()

  return Number(quiet.numDeletedRows) + Number(old.numDeletedRows)
}
