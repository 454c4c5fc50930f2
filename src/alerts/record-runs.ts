import { sql, type Insertable, type Selectable } from 'kysely'

import type { Database, Tx } from '../db/database.js'
import type { AlertHistoryTable } from '../db/schema.js'

/** Rows per multi-row statement: far below both dialects' limits on bound parameters. */
const CHUNK = 200
const HOUR = 3_600_000

/** The error of a run whose process stopped between sending and recording. */
export const INTERRUPTED_ERROR =
  'interrupted: the process stopped before it recorded the outcome; the email may have been sent'

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK))

  return out
}

/** Inserts runs with multi-row statements; returns the stored rows (order not guaranteed). */
export async function insertRuns(
  tx: Tx,
  runs: ReadonlyArray<Insertable<AlertHistoryTable>>,
): Promise<Array<Selectable<AlertHistoryTable>>> {
  const rows: Array<Selectable<AlertHistoryTable>> = []
  for (const part of chunks(runs)) {
    rows.push(...(await tx.insertInto('alert_history').values(part).returningAll().execute()))
  }

  return rows
}

/** A claim to give back; with `next`, the next run time unless the alert was edited meanwhile. */
export interface Release {
  id: number
  next?: { at: number | null; updatedAt: number }
}

/**
 * Gives claims of `owner` back, many alerts per statement. The next run time is written only
 * where the alert was not edited since `updatedAt` (an edit during the run rescheduled it).
 */
export async function releaseAlerts(
  tx: Tx,
  releases: readonly Release[],
  owner: string,
): Promise<void> {
  for (const part of chunks(releases)) {
    const moved = part.filter((r) => r.next !== undefined)
    const next =
      moved.length === 0
        ? sql<number | null>`next_run_at`
        : sql<number | null>`case ${sql.join(
            moved.map(
              (r) =>
                sql`when id = ${r.id} and updated_at = ${r.next?.updatedAt} then ${r.next?.at ?? null}`,
            ),
            sql` `,
          )} else next_run_at end`
    await tx
      .updateTable('alerts')
      .set({ claimed_by: null, claim_expires_at: null, next_run_at: next })
      .where(
        'id',
        'in',
        part.map((r) => r.id),
      )
      .where('claimed_by', '=', owner)
      .execute()
  }
}

/**
 * Extends the claims of `owner` on `ids` to `until` and returns the ids it still holds: a claim
 * that expired meanwhile may have been taken over, and its alert must not be mailed.
 */
export async function renewClaims(
  tx: Tx,
  ids: readonly number[],
  owner: string,
  until: number,
): Promise<Set<number>> {
  const held = new Set<number>()
  for (const part of chunks(ids)) {
    const rows = await tx
      .updateTable('alerts')
      .set({ claim_expires_at: until })
      .where('id', 'in', part)
      .where('claimed_by', '=', owner)
      .returning('id')
      .execute()
    for (const row of rows) held.add(row.id)
  }

  return held
}

/** Runs of `alertIds` left `running` by a process that died, by alert. */
export async function interruptedRuns(
  database: Database,
  alertIds: readonly number[],
): Promise<Map<number, Array<{ id: number; windowFrom: number }>>> {
  const found = new Map<number, Array<{ id: number; windowFrom: number }>>()
  for (const part of chunks(alertIds)) {
    const rows = await database.db
      .selectFrom('alert_history')
      .select(['id', 'alert_id', 'window_from'])
      .where('alert_id', 'in', part)
      .where('status', '=', 'running')
      .execute()
    for (const row of rows) {
      const list = found.get(row.alert_id) ?? []
      list.push({ id: row.id, windowFrom: row.window_from })
      found.set(row.alert_id, list)
    }
  }

  return found
}

/** Marks runs left `running` as failed ("interrupted"). */
export async function closeInterrupted(tx: Tx, runIds: readonly number[], now: number) {
  for (const part of chunks(runIds)) {
    await tx
      .updateTable('alert_history')
      .set({ status: 'failed', finished_at: now, error: INTERRUPTED_ERROR })
      .where('id', 'in', part)
      .where('status', '=', 'running')
      .execute()
  }
}

/** Emails (sent or outbox, test emails aside) of each of `alertIds` in the hour before `now`. */
export async function emailsInLastHour(
  database: Database,
  alertIds: readonly number[],
  now: number,
): Promise<Map<number, number>> {
  const counts = new Map<number, number>()
  for (const part of chunks(alertIds)) {
    const rows = await database.db
      .selectFrom('alert_history')
      .select(['alert_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('alert_id', 'in', part)
      .where('trigger', '!=', 'test')
      .where('status', 'in', ['sent', 'outbox'])
      .where('started_at', '>', now - HOUR)
      .groupBy('alert_id')
      .execute()
    for (const row of rows) counts.set(row.alert_id, Number(row.n))
  }

  return counts
}

/** Runs held back by the storm guard, by alert and window start (`${alertId}:${windowFrom}`). */
export async function suppressedRuns(
  database: Database,
  alertIds: readonly number[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (const part of chunks(alertIds)) {
    const rows = await database.db
      .selectFrom('alert_history')
      .select(['alert_id', 'window_from', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('alert_id', 'in', part)
      .where('status', '=', 'suppressed')
      .groupBy(['alert_id', 'window_from'])
      .execute()
    for (const row of rows) counts.set(`${row.alert_id}:${row.window_from}`, Number(row.n))
  }

  return counts
}

/** How an email's run ended: its history row and what the notifier said. */
export interface Finish {
  runId: number
  status: 'sent' | 'outbox' | 'failed'
  reply: string | null
  error: string | null
  attempts: number
}

/** Records the outcome of many emails' runs, a statement per chunk; returns the updated rows. */
export async function finishRuns(
  tx: Tx,
  finishes: readonly Finish[],
  now: number,
): Promise<Array<Selectable<AlertHistoryTable>>> {
  const rows: Array<Selectable<AlertHistoryTable>> = []
  for (const part of chunks(finishes)) {
    // One CASE per column keyed by run id; casts give PostgreSQL the types of the parameters.
    const pick = (value: (f: Finish) => unknown, type: 'text' | 'integer') =>
      sql`case id ${sql.join(
        part.map((f) => sql`when ${f.runId} then cast(${value(f)} as ${sql.raw(type)})`),
        sql` `,
      )} end`
    const updated = await tx
      .updateTable('alert_history')
      .set({
        status: pick((f) => f.status, 'text') as unknown as Finish['status'],
        finished_at: now,
        smtp_reply: pick((f) => f.reply, 'text') as unknown as string | null,
        error: pick((f) => f.error, 'text') as unknown as string | null,
        attempts: pick((f) => f.attempts, 'integer') as unknown as number,
      })
      .where(
        'id',
        'in',
        part.map((f) => f.runId),
      )
      .returningAll()
      .execute()
    rows.push(...updated)
  }

  return rows
}

/**
 * Moves `last_triggered` of each alert from its window's start to its end, unless another run
 * moved it meanwhile: the window is consumed only with the delivery that covered it. The
 * incidents the email listed for activity past the window's end go with it (`reported_ahead`).
 */
export async function advanceWindows(
  tx: Tx,
  windows: ReadonlyArray<{
    alertId: number
    from: number
    to: number
    ahead: ReadonlyArray<readonly [number, number]>
  }>,
): Promise<void> {
  for (const part of chunks(windows)) {
    const next = sql<number>`case ${sql.join(
      part.map(
        (w) =>
          sql`when id = ${w.alertId} and last_triggered_at = ${w.from} then cast(${w.to} as bigint)`,
      ),
      sql` `,
    )} else last_triggered_at end`
    const ahead = sql<string>`case ${sql.join(
      part.map(
        (w) =>
          sql`when id = ${w.alertId} and last_triggered_at = ${w.from} then ${JSON.stringify(w.ahead)}`,
      ),
      sql` `,
    )} else reported_ahead end`
    await tx
      .updateTable('alerts')
      .set({ last_triggered_at: next, reported_ahead: ahead })
      .where(
        'id',
        'in',
        part.map((w) => w.alertId),
      )
      .execute()
  }
}
