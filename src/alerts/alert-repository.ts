import { AuditLog, type Actor, type AuditAction } from '../accounts/audit-log.js'
import type { Database, Tx } from '../db/database.js'
import { AppError } from '../errors/app-error.js'

import { alertFromRow, type Alert, type AlertDefinition } from './alert.js'
import { alertChanges } from './alert-changes.js'
import { nextRunAfter } from './schedule.js'

function notFound(id: number): AppError {
  return new AppError('ALERT_NOT_FOUND', `alert ${id} does not exist`, { status: 404 })
}

function columns(definition: AlertDefinition) {
  return {
    name: definition.name,
    query: definition.query,
    recipients: JSON.stringify(definition.recipients),
    subject: definition.subject,
    body: definition.body,
    include_summary: definition.includeSummary ? 1 : 0,
    min_occurrences: definition.minOccurrences,
    schedule: JSON.stringify(definition.schedule),
    enabled: definition.enabled ? 1 : 0,
    missed_policy: definition.missedPolicy,
    max_per_hour: definition.maxPerHour,
  }
}

/** Every alert, by name. */
export async function listAlerts(database: Database): Promise<Alert[]> {
  const rows = await database.db
    .selectFrom('alerts')
    .selectAll()
    .orderBy('name')
    .orderBy('id')
    .execute()

  return rows.map(alertFromRow)
}

/** One alert, or null. */
export async function findAlert(database: Database, id: number): Promise<Alert | null> {
  const row = await database.db
    .selectFrom('alerts')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()

  return row === undefined ? null : alertFromRow(row)
}

/** One alert; ALERT_NOT_FOUND (404) when there is none. */
export async function getAlert(database: Database, id: number): Promise<Alert> {
  const alert = await findAlert(database, id)
  if (alert === null) throw notFound(id)

  return alert
}

/**
 * Stores a new alert. Its window starts now (`last_triggered_at`), so the first run reports
 * what is new since it was made; `next_run_at` is the first scheduled time when enabled.
 */
export async function createAlert(
  database: Database,
  definition: AlertDefinition,
  now: number,
  actor: Actor = NOBODY,
): Promise<Alert> {
  const row = await database.transaction(async (tx) => {
    const created = await tx
      .insertInto('alerts')
      .values({
        ...columns(definition),
        last_triggered_at: now,
        next_run_at: definition.enabled ? nextRunAfter(definition.schedule, now) : null,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await audit(tx, now, actor, 'alert.created', created.id, {
      name: definition.name,
      enabled: definition.enabled,
    })

    return created
  })
  alertChanges.emit('changed', row.id)

  return alertFromRow(row)
}

/**
 * Replaces an alert's definition and reschedules it from `now`. Enabling a disabled alert
 * starts its window afresh: what happened while it was off is not mailed.
 */
export async function updateAlert(
  database: Database,
  id: number,
  definition: AlertDefinition,
  now: number,
  actor: Actor = NOBODY,
): Promise<Alert> {
  const alert = await database.transaction(async (tx) => {
    const current = await tx
      .selectFrom('alerts')
      .select('enabled')
      .where('id', '=', id)
      .executeTakeFirst()
    if (current === undefined) throw notFound(id)

    const reenabled = current.enabled === 0 && definition.enabled
    const flipped = (current.enabled === 1) !== definition.enabled
    const action = !flipped
      ? 'alert.changed'
      : definition.enabled
        ? 'alert.enabled'
        : 'alert.disabled'
    await audit(tx, now, actor, action, id, { name: definition.name, enabled: definition.enabled })

    return tx
      .updateTable('alerts')
      .set({
        ...columns(definition),
        next_run_at: definition.enabled ? nextRunAfter(definition.schedule, now) : null,
        ...(reenabled ? { last_triggered_at: now } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
  })
  alertChanges.emit('changed', id)

  return alertFromRow(alert)
}

/** Deletes an alert and its history; ALERT_NOT_FOUND when there is none. */
export async function deleteAlert(
  database: Database,
  id: number,
  actor: Actor = NOBODY,
  now: number = Date.now(),
): Promise<void> {
  await database.transaction(async (tx) => {
    const deleted = await tx
      .deleteFrom('alerts')
      .where('id', '=', id)
      .returning('name')
      .executeTakeFirst()
    if (deleted === undefined) throw notFound(id)
    await audit(tx, now, actor, 'alert.deleted', id, { name: deleted.name })
  })

  alertChanges.emit('changed', id)
}

const NOBODY: Actor = { id: null, name: null }

// Alert changes are kept in the audit log with the change itself: both or neither.
async function audit(
  tx: Tx,
  now: number,
  actor: Actor,
  action: AuditAction,
  alertId: number,
  details: Record<string, unknown>,
): Promise<void> {
  await new AuditLog(tx, () => now).record({
    action,
    actor,
    targetType: 'alert',
    targetId: alertId,
    details,
  })
}
