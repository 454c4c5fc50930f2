import { sql, type QueryCreator, type SqlBool } from 'kysely'

import type { Database, Tx } from '../db/database.js'
import type { Schema } from '../db/schema.js'

import { alertFromRow, type Alert } from './alert.js'

/** How long a claim holds without its owner finishing: longer than any run with its retries. */
export const DEFAULT_CLAIM_TTL_MS = 10 * 60_000

/**
 * Claims a due alert for `owner` with one conditional update: it succeeds only when the alert is
 * enabled, due at `now` and unclaimed (or its claim expired), so one process wins among many.
 * Returns the claimed alert as it stands, or null when another process has it.
 */
export async function claimDueAlert(
  database: Database,
  id: number,
  owner: string,
  now: number,
  ttlMs = DEFAULT_CLAIM_TTL_MS,
): Promise<Alert | null> {
  const row = await database.db
    .updateTable('alerts')
    .set({ claimed_by: owner, claim_expires_at: now + ttlMs })
    .where('id', '=', id)
    .where('enabled', '=', 1)
    .where('next_run_at', '<=', now)
    .where(sql<SqlBool>`(claimed_by is null or claim_expires_at < ${now})`)
    .returningAll()
    .executeTakeFirst()

  return row === undefined ? null : alertFromRow(row)
}

/**
 * Claims up to `limit` due alerts for `owner` with one statement, earliest due first, and returns
 * them. On PostgreSQL the candidates are locked with SKIP LOCKED, so processes polling at once
 * split the due alerts between them instead of waiting on each other; on SQLite the statement
 * holds the write lock. Either way an alert goes to one process only.
 */
export async function claimDueAlerts(
  database: Database,
  owner: string,
  now: number,
  limit: number,
  ttlMs = DEFAULT_CLAIM_TTL_MS,
): Promise<Alert[]> {
  const due = (db: QueryCreator<Schema>) =>
    db
      .selectFrom('alerts')
      .select('id')
      .where('enabled', '=', 1)
      .where('next_run_at', '<=', now)
      .where(sql<SqlBool>`(claimed_by is null or claim_expires_at < ${now})`)
      .orderBy('next_run_at')
      .orderBy('id')
      .limit(limit)
  const claim = { claimed_by: owner, claim_expires_at: now + ttlMs }

  // PostgreSQL may run a subquery in IN again for rows it rechecks after a concurrent update,
  // and SKIP LOCKED then yields other rows: a materialized CTE picks the batch exactly once.
  const rows =
    database.dialect === 'postgres'
      ? await database.db
          .with(
            (cte) => cte('due').materialized(),
            (db) => due(db).forUpdate().skipLocked(),
          )
          .updateTable('alerts')
          .set(claim)
          .from('due')
          .whereRef('alerts.id', '=', 'due.id')
          .returningAll('alerts')
          .execute()
      : await database.db
          .updateTable('alerts')
          .set(claim)
          .where('id', 'in', due(database.db))
          .where('enabled', '=', 1)
          .where('next_run_at', '<=', now)
          .where(sql<SqlBool>`(claimed_by is null or claim_expires_at < ${now})`)
          .returningAll()
          .execute()

  return rows
    .map(alertFromRow)
    .sort((a, b) => (a.nextRunAt ?? 0) - (b.nextRunAt ?? 0) || a.id - b.id)
}

/** Claims an alert for a manual run, due or not; null while another run holds it. */
export async function claimAlertNow(
  database: Database,
  id: number,
  owner: string,
  now: number,
  ttlMs = DEFAULT_CLAIM_TTL_MS,
): Promise<Alert | null> {
  const row = await database.db
    .updateTable('alerts')
    .set({ claimed_by: owner, claim_expires_at: now + ttlMs })
    .where('id', '=', id)
    .where(sql<SqlBool>`(claimed_by is null or claim_expires_at < ${now})`)
    .returningAll()
    .executeTakeFirst()

  return row === undefined ? null : alertFromRow(row)
}

/**
 * Gives a claim back, optionally with the next run time; only the owner's claim is released.
 * The next run time is written only if the alert was not edited since `updatedAt` (an edit made
 * during the run has already rescheduled it from its new definition).
 */
export async function releaseAlert(
  tx: Tx,
  id: number,
  owner: string,
  next?: { at: number | null; updatedAt: number },
): Promise<void> {
  await tx
    .updateTable('alerts')
    .set({
      claimed_by: null,
      claim_expires_at: null,
      ...(next === undefined
        ? {}
        : {
            next_run_at: sql<
              number | null
            >`case when updated_at = ${next.updatedAt} then ${next.at} else next_run_at end`,
          }),
    })
    .where('id', '=', id)
    .where('claimed_by', '=', owner)
    .execute()
}
