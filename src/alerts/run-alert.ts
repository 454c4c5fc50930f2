import type { Database } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import type { Logger } from '../observability/logger.js'

import type { Alert } from './alert.js'
import { claimAlertNow } from './alert-claim.js'
import { findAlert } from './alert-repository.js'
import type { AlertRunJson, RunTrigger } from './alert-run.js'
import type { BatchMatcher } from './batch-matcher.js'
import type { IncidentMatcher } from './match-incidents.js'
import type { Notifier } from './notifiers/notifier.js'
import { runAlerts } from './run-alerts.js'

export { MAX_MATCHED } from './evaluate-alerts.js'

/** What a run needs. `clock` is epoch ms, injectable so that tests need not wait. */
export interface AlertRunnerDeps {
  database: Database
  notifier: Notifier
  matcher: IncidentMatcher
  /** Answers a whole batch of alerts at once; default: `matcher` once per alert. */
  batchMatcher?: BatchMatcher
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

/**
 * Runs `alert`, whose claim `owner` holds: evaluates the window `(last_triggered, now]`, mails
 * when the condition holds (unless the storm guard suppresses it), records the run and releases
 * the claim. A batch of one (see runAlerts); throws what stopped the run.
 */
export async function executeAlertRun(
  deps: AlertRunnerDeps,
  alert: Alert,
  owner: string,
  trigger: RunTrigger,
): Promise<AlertRunJson> {
  const [run] = await runAlerts(deps, [alert], owner, trigger)
  if (run === undefined) throw new Error(`alert ${alert.id} was not run`)
  if (run instanceof Error) throw run

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
