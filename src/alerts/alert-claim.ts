import { sql, type SqlBool } from 'kysely'

import type { Database, Tx } from '../db/database.js'

/** How long a claim holds without its owner finishing: longer than any run with its retries. */
export const DEFAULT_CLAIM_TTL_MS = 10 * 60_000

/**
 * Claims a due alert for `owner` with one conditional update: it succeeds only when the alert is
 * enabled, due at `now` and unclaimed (or its claim expired), so one process wins among many.
 */
export async function claimDueAlert(
  database: Database,
  id: number,
  owner: string,
  now: number,
  ttlMs = DEFAULT_CLAIM_TTL_MS,
): Promise<boolean> {
  const result = await database.db
    .updateTable('alerts')
    .set({ claimed_by: owner, claim_expires_at: now + ttlMs })
    .where('id', '=', id)
    .where('enabled', '=', 1)
    .where('next_run_at', '<=', now)
    .where(sql<SqlBool>`(claimed_by is null or claim_expires_at < ${now})`)
    .executeTakeFirst()

  return Number(result.numUpdatedRows) === 1
}

/** Claims an alert for a manual run, due or not; false while another run holds it. */
export async function claimAlertNow(
  database: Database,
  id: number,
  owner: string,
  now: number,
  ttlMs = DEFAULT_CLAIM_TTL_MS,
): Promise<boolean> {
  const result = await database.db
    .updateTable('alerts')
    .set({ claimed_by: owner, claim_expires_at: now + ttlMs })
    .where('id', '=', id)
    .where(sql<SqlBool>`(claimed_by is null or claim_expires_at < ${now})`)
    .executeTakeFirst()

  return Number(result.numUpdatedRows) === 1
}

/** Gives a claim back, optionally with the next run time; only the owner's claim is released. */
export async function releaseAlert(
  tx: Tx,
  id: number,
  owner: string,
  nextRunAt?: number | null,
): Promise<void> {
  await tx
    .updateTable('alerts')
    .set({
      claimed_by: null,
      claim_expires_at: null,
      ...(nextRunAt === undefined ? {} : { next_run_at: nextRunAt }),
    })
    .where('id', '=', id)
    .where('claimed_by', '=', owner)
    .execute()
}
