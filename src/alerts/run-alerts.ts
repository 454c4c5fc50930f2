import type { Alert } from './alert.js'
import { DEFAULT_CLAIM_TTL_MS } from './alert-claim.js'
import { alertRunSeconds, alertRunsTotal } from './alert-metrics.js'
import { alertRunJson, type AlertRunJson, type RunStatus, type RunTrigger } from './alert-run.js'
import { oneByOne } from './batch-matcher.js'
import { deliverAll } from './deliver-alerts.js'
import { evaluateAlerts, type Evaluation } from './evaluate-alerts.js'
import {
  closeInterrupted,
  emailsInLastHour,
  insertRuns,
  interruptedRuns,
  releaseAlerts,
  suppressedRuns,
} from './record-runs.js'
import type { AlertRunnerDeps } from './run-alert.js'
import { nextRun, runValues } from './run-values.js'

/** How a batch of runs proceeds. */
export interface RunBatchOptions {
  /** Emails in flight at once (default 8). */
  concurrency?: number
  /** Claims are renewed to now + this while emails of the batch wait their turn. */
  claimTtlMs?: number
  /** Checked before each email: true stops the batch and gives the rest of the claims back. */
  isStopping?: () => boolean
  /** Adds the wall time of each phase, in ms. */
  timings?: RunTimings
}

/** Where a batch spent its time (ms): searches, the quiet runs' transaction, the emails. */
export interface RunTimings {
  evaluateMs: number
  recordMs: number
  deliverMs: number
}

/** Counts and logs a finished run. */
function observe(deps: AlertRunnerDeps, run: AlertRunJson, started: number): void {
  alertRunsTotal.inc({ trigger: run.trigger, status: run.status })
  alertRunSeconds.observe({ status: run.status }, (deps.clock() - started) / 1000)
  const fields = {
    alertId: run.alertId,
    runId: run.id,
    status: run.status,
    matched: run.matched,
    attempts: run.attempts,
  }
  // Runs with nothing to send are the common case: lifecycle detail, not news.
  if (run.status === 'nothing_new') deps.logger.debug(fields, 'alert run finished')
  else deps.logger.info(fields, 'alert run finished')
}

interface Quiet {
  evaluation: Evaluation
  status: RunStatus
  error: string | null
}

/**
 * Runs `alerts`, whose claims `owner` holds, as one batch: evaluates every window with shared
 * searches, records the runs without an email (nothing new, failed query, storm guard) and gives
 * their claims back in one transaction, then mails the others with bounded concurrency (see
 * deliverAll). Returns, per alert and in order, its run or the Error that stopped it; an Error's
 * claim is given back without moving its schedule, so the next poll tries again.
 */
export async function runAlerts(
  deps: AlertRunnerDeps,
  alerts: readonly Alert[],
  owner: string,
  trigger: RunTrigger,
  options: RunBatchOptions = {},
): Promise<Array<AlertRunJson | Error>> {
  const { database, logger } = deps
  const results = new Map<number, AlertRunJson | Error>()
  const started = deps.clock()
  const timings = options.timings ?? { evaluateMs: 0, recordMs: 0, deliverMs: 0 }
  let lap = performance.now()
  const phase = (name: keyof RunTimings): void => {
    const now = performance.now()
    timings[name] += now - lap
    lap = now
  }
  try {
    const matcher = deps.batchMatcher ?? oneByOne(deps.matcher)
    const evaluations = await evaluateAlerts(deps, matcher, alerts, started)
    const quiet: Quiet[] = []
    const holding: Evaluation[] = []
    evaluations.forEach((evaluation, i) => {
      const alert = alerts[i] as Alert
      if (evaluation instanceof Error) {
        logger.error({ err: evaluation, alertId: alert.id }, 'alert run failed')
        results.set(alert.id, evaluation)
      } else if (evaluation.error !== null) {
        quiet.push({ evaluation, status: 'failed', error: evaluation.error })
      } else if (!evaluation.holds) {
        quiet.push({ evaluation, status: 'nothing_new', error: null })
      } else {
        holding.push(evaluation)
      }
    })

    phase('evaluateMs')

    const emails = await emailsInLastHour(
      database,
      holding.map((e) => e.alert.id),
      started,
    )
    const deliveries: Evaluation[] = []
    for (const evaluation of holding) {
      const { alert } = evaluation
      if ((emails.get(alert.id) ?? 0) < alert.maxPerHour) deliveries.push(evaluation)
      else {
        quiet.push({
          evaluation,
          status: 'suppressed',
          error: `storm guard: ${alert.maxPerHour} emails in the last hour; the next allowed email includes these incidents`,
        })
      }
    }
    const deliveryIds = deliveries.map((e) => e.alert.id)
    const stale = await interruptedRuns(database, deliveryIds)
    const held = await suppressedRuns(database, deliveryIds)

    // The quiet runs are recorded and released together, with the cleanup of interrupted runs.
    const now = deps.clock()
    const rows = await database.transaction(async (tx) => {
      const inserted = await insertRuns(
        tx,
        quiet.map((q) =>
          runValues(q.evaluation, trigger, started, {
            status: q.status,
            finished_at: now,
            error: q.error,
          }),
        ),
      )
      await releaseAlerts(
        tx,
        [
          ...quiet.map((q) => ({
            id: q.evaluation.alert.id,
            next: nextRun(q.evaluation.alert, trigger, now),
          })),
          ...alerts.filter((a) => results.has(a.id)).map((a) => ({ id: a.id })),
        ],
        owner,
      )
      await closeInterrupted(
        tx,
        [...stale.values()].flat().map((r) => r.id),
        now,
      )

      return inserted
    })
    for (const row of rows) results.set(row.alert_id, alertRunJson(row))
    for (const [alertId, runs] of stale) {
      logger.warn(
        { alertId, runs: runs.map((r) => r.id) },
        'alert runs interrupted by a stopped process',
      )
    }

    phase('recordMs')

    await deliverAll(deps, deliveries, owner, trigger, started, {
      ttlMs: options.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS,
      concurrency: options.concurrency ?? 8,
      isStopping: options.isStopping ?? (() => false),
      interrupted: stale,
      suppressed: held,
      results,
    })
    phase('deliverMs')
  } catch (error) {
    logger.error({ err: error, alerts: alerts.length }, 'alert runs failed')
    const open = alerts.filter((a) => !results.has(a.id)).map((a) => ({ id: a.id }))
    await database.transaction((tx) => releaseAlerts(tx, open, owner)).catch(() => undefined)
    throw error
  }

  return alerts.map((alert) => {
    const run = results.get(alert.id) ?? new Error(`alert ${alert.id} was not run: stopping`)
    if (!(run instanceof Error)) observe(deps, run, started)

    return run
  })
}
