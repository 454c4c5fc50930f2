import type { Database } from '../db/database.js'
import { AppError, isAppError } from '../errors/app-error.js'
import type { Logger } from '../observability/logger.js'

import type { Alert } from './alert.js'
import { claimAlertNow, releaseAlert } from './alert-claim.js'
import { renderAlertEmail } from './alert-email.js'
import { alertPossibleDuplicatesTotal, alertRunSeconds, alertRunsTotal } from './alert-metrics.js'
import { findAlert } from './alert-repository.js'
import { alertRunJson, type AlertRunJson, type RunStatus, type RunTrigger } from './alert-run.js'
import { countOccurrences, type IncidentMatcher, type MatchedIncident } from './match-incidents.js'
import type { Notifier } from './notifiers/notifier.js'
import { nextRunAfter, typicalPeriod } from './schedule.js'

/** Most incidents one run records and mails. */
export const MAX_MATCHED = 1000
const HOUR = 3_600_000

/** What a run needs. `clock` is epoch ms, injectable so that tests need not wait. */
export interface AlertRunnerDeps {
  database: Database
  notifier: Notifier
  matcher: IncidentMatcher
  publicUrl: string
  logger: Logger
  clock: () => number
  /**
   * How far behind `now` a window ends, in ms: an incident whose activity time was taken just
   * before a run but whose transaction committed just after it still falls in the next window.
   */
  settleMs?: number
  /** Called after delivery and before the outcome is recorded (tests stop the process here). */
  afterSend?: (runId: number) => Promise<void> | void
}

interface Evaluation {
  window: { from: number; to: number }
  incidents: MatchedIncident[]
  total: number
  holds: boolean
}

async function evaluate(deps: AlertRunnerDeps, alert: Alert, now: number): Promise<Evaluation> {
  const from = alert.lastTriggeredAt
  const to = Math.max(from, now - (deps.settleMs ?? 0))
  if (to <= from) return { window: { from, to }, incidents: [], total: 0, holds: false }

  const { incidents, total } = await deps.matcher(alert.query, from, to, MAX_MATCHED)
  let holds = incidents.length > 0
  if (holds && alert.minOccurrences > 1) {
    const ids = incidents.map((i) => i.id)
    // Each matched incident occurred at least once in the window, whatever its event minutes say.
    const counted = await countOccurrences(deps.database, ids, from)
    holds = Math.max(counted, total) >= alert.minOccurrences
  }

  return { window: { from, to }, incidents, total, holds }
}

/** Evaluates; a query that no longer parses becomes a failed run that says why, not a crash loop. */
async function evaluateOrExplain(
  deps: AlertRunnerDeps,
  alert: Alert,
  now: number,
): Promise<Evaluation & { error: string | null }> {
  try {
    return { ...(await evaluate(deps, alert, now)), error: null }
  } catch (error) {
    if (!isAppError(error) || error.status >= 500) throw error

    return {
      window: { from: alert.lastTriggeredAt, to: now },
      incidents: [],
      total: 0,
      holds: false,
      error: `${error.code}: ${error.message}`,
    }
  }
}

/** Marks runs left `running` by a process that died; true when one was for this window start. */
async function closeInterrupted(
  deps: AlertRunnerDeps,
  alertId: number,
  windowFrom: number,
  now: number,
): Promise<boolean> {
  const stale = await deps.database.db
    .selectFrom('alert_history')
    .select(['id', 'window_from'])
    .where('alert_id', '=', alertId)
    .where('status', '=', 'running')
    .execute()
  if (stale.length === 0) return false

  await deps.database.db
    .updateTable('alert_history')
    .set({
      status: 'failed',
      finished_at: now,
      error:
        'interrupted: the process stopped before it recorded the outcome; the email may have been sent',
    })
    .where(
      'id',
      'in',
      stale.map((r) => r.id),
    )
    .where('status', '=', 'running')
    .execute()
  deps.logger.warn(
    { alertId, runs: stale.map((r) => r.id) },
    'alert runs interrupted by a stopped process',
  )

  return stale.some((r) => r.window_from === windowFrom)
}

async function emailsInLastHour(database: Database, alertId: number, now: number): Promise<number> {
  const row = await database.db
    .selectFrom('alert_history')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('alert_id', '=', alertId)
    .where('trigger', '!=', 'test')
    .where('status', 'in', ['sent', 'outbox'])
    .where('started_at', '>', now - HOUR)
    .executeTakeFirst()

  return Number(row?.n ?? 0)
}

async function suppressedRuns(
  database: Database,
  alertId: number,
  windowFrom: number,
): Promise<number> {
  const row = await database.db
    .selectFrom('alert_history')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('alert_id', '=', alertId)
    .where('status', '=', 'suppressed')
    .where('window_from', '=', windowFrom)
    .executeTakeFirst()

  return Number(row?.n ?? 0)
}

function nextRun(
  alert: Alert,
  trigger: RunTrigger,
  now: number,
): { at: number | null; updatedAt: number } | undefined {
  // A manual run leaves the schedule alone; a scheduled one moves to the first slot after now,
  // so however many slots were missed, they are not run one by one. A run that ended just before
  // a slot (a late or catch-up run) skips that slot rather than running again at once.
  if (trigger !== 'schedule') return undefined

  const gap = Math.min(30_000, typicalPeriod(alert.schedule, now) / 2)

  return {
    at: alert.enabled ? nextRunAfter(alert.schedule, now + gap) : null,
    updatedAt: alert.updatedAt,
  }
}

interface Finished {
  status: RunStatus
  error?: string | null
}

async function recordWithoutEmail(
  deps: AlertRunnerDeps,
  alert: Alert,
  owner: string,
  trigger: RunTrigger,
  started: number,
  evaluation: Evaluation,
  finished: Finished,
): Promise<AlertRunJson> {
  const now = deps.clock()

  return deps.database.transaction(async (tx) => {
    const row = await tx
      .insertInto('alert_history')
      .values({
        alert_id: alert.id,
        trigger,
        status: finished.status,
        started_at: started,
        finished_at: now,
        window_from: evaluation.window.from,
        window_to: evaluation.window.to,
        matched: evaluation.total,
        incident_ids: JSON.stringify(evaluation.incidents.map((i) => i.id)),
        recipients: JSON.stringify(alert.recipients),
        error: finished.error ?? null,
        attempts: 0,
        possible_duplicate: 0,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await releaseAlert(tx, alert.id, owner, nextRun(alert, trigger, now))

    return alertRunJson(row)
  })
}

async function deliver(
  deps: AlertRunnerDeps,
  alert: Alert,
  owner: string,
  trigger: RunTrigger,
  started: number,
  evaluation: Evaluation,
): Promise<AlertRunJson> {
  const { window, incidents } = evaluation
  const duplicate = await closeInterrupted(deps, alert.id, window.from, started)
  const email = renderAlertEmail({
    alert,
    recipients: alert.recipients,
    window,
    incidents,
    total: evaluation.total,
    publicUrl: deps.publicUrl,
    suppressedRuns: await suppressedRuns(deps.database, alert.id, window.from),
  })

  // The run is on record before the email leaves: a process that dies mid-send leaves this row
  // `running`, and the next run knows its Message-ID may already have been delivered.
  const { id } = await deps.database.db
    .insertInto('alert_history')
    .values({
      alert_id: alert.id,
      trigger,
      status: 'running',
      started_at: started,
      window_from: window.from,
      window_to: window.to,
      matched: evaluation.total,
      incident_ids: JSON.stringify(incidents.map((i) => i.id)),
      recipients: JSON.stringify(alert.recipients),
      message_id: email.messageId,
      attempts: 0,
      possible_duplicate: duplicate ? 1 : 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  if (duplicate) alertPossibleDuplicatesTotal.inc()

  const outcome = await deps.notifier.send(
    email,
    duplicate ? { headers: { 'X-Alims-Possible-Duplicate': 'yes' } } : {},
  )
  await deps.afterSend?.(id)

  const now = deps.clock()

  return deps.database.transaction(async (tx) => {
    const row = await tx
      .updateTable('alert_history')
      .set({
        status: outcome.status,
        finished_at: now,
        smtp_reply: outcome.reply,
        error: outcome.error,
        attempts: outcome.attempts,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
    if (outcome.status !== 'failed') {
      // The window is consumed only with the delivery that covered it, in one transaction.
      await tx
        .updateTable('alerts')
        .set({ last_triggered_at: window.to })
        .where('id', '=', alert.id)
        .where('last_triggered_at', '=', window.from)
        .execute()
    }
    await releaseAlert(tx, alert.id, owner, nextRun(alert, trigger, now))

    return alertRunJson(row)
  })
}

/**
 * Runs `alert`, whose claim `owner` holds: evaluates the window `(last_triggered, now]`, mails
 * when the condition holds (unless the storm guard suppresses it), records the run and releases
 * the claim.
 */
export async function executeAlertRun(
  deps: AlertRunnerDeps,
  alert: Alert,
  owner: string,
  trigger: RunTrigger,
): Promise<AlertRunJson> {
  const started = deps.clock()
  let run: AlertRunJson
  try {
    const evaluation = await evaluateOrExplain(deps, alert, started)
    if (evaluation.error !== null) {
      run = await recordWithoutEmail(deps, alert, owner, trigger, started, evaluation, {
        status: 'failed',
        error: evaluation.error,
      })
    } else if (!evaluation.holds) {
      run = await recordWithoutEmail(deps, alert, owner, trigger, started, evaluation, {
        status: 'nothing_new',
      })
    } else if ((await emailsInLastHour(deps.database, alert.id, started)) >= alert.maxPerHour) {
      run = await recordWithoutEmail(deps, alert, owner, trigger, started, evaluation, {
        status: 'suppressed',
        error: `storm guard: ${alert.maxPerHour} emails in the last hour; the next allowed email includes these incidents`,
      })
    } else {
      run = await deliver(deps, alert, owner, trigger, started, evaluation)
    }
  } catch (error) {
    deps.logger.error({ err: error, alertId: alert.id }, 'alert run failed')
    await deps.database.db
      .updateTable('alerts')
      .set({ claimed_by: null, claim_expires_at: null })
      .where('id', '=', alert.id)
      .where('claimed_by', '=', owner)
      .execute()
      .catch(() => undefined)
    throw error
  }

  alertRunsTotal.inc({ trigger, status: run.status })
  alertRunSeconds.observe({ status: run.status }, (deps.clock() - started) / 1000)
  const fields = {
    alertId: alert.id,
    runId: run.id,
    status: run.status,
    matched: run.matched,
    attempts: run.attempts,
  }
  // Runs with nothing to send are the common case: lifecycle detail, not news.
  if (run.status === 'nothing_new') deps.logger.debug(fields, 'alert run finished')
  else deps.logger.info(fields, 'alert run finished')

  return run
}

/** Runs an alert now, exactly like a scheduled run; ALERT_BUSY (409) while another run holds it. */
export async function runAlertNow(
  deps: AlertRunnerDeps,
  alertId: number,
  owner: string,
): Promise<AlertRunJson> {
  const alert = await findAlert(deps.database, alertId)
  if (alert === null) {
    throw new AppError('ALERT_NOT_FOUND', `alert ${alertId} does not exist`, { status: 404 })
  }
  const claimed = await claimAlertNow(deps.database, alert.id, owner, deps.clock())
  if (claimed === null) {
    throw new AppError(
      'ALERT_BUSY',
      `alert ${alertId} is running now; try again when that run ends`,
      {
        status: 409,
      },
    )
  }

  return executeAlertRun(deps, claimed, owner, 'manual')
}
