import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'

import type { Config } from '../config/config.js'
import type { Database } from '../db/database.js'
import type { Logger } from '../observability/logger.js'

import { alertFromRow } from './alert.js'
import { alertChanges } from './alert-changes.js'
import { claimDueAlerts, DEFAULT_CLAIM_TTL_MS } from './alert-claim.js'
import { pruneRuns, type RunStatus } from './alert-run.js'
import { searchBatchMatcher } from './batch-matcher.js'
import { searchMatcher, type IncidentMatcher } from './match-incidents.js'
import { createNotifier } from './notifiers/create-notifier.js'
import type { Notifier } from './notifiers/notifier.js'
import type { RetryBudget } from './notifiers/smtp-notifier.js'
import type { AlertRunnerDeps } from './run-alert.js'
import { runAlerts, type RunTimings } from './run-alerts.js'
import { nextRunAfter, typicalPeriod } from './schedule.js'

/** Default settle time of a window's end, in ms (see AlertRunnerDeps.settleMs). */
export const DEFAULT_SETTLE_MS = 5000

export interface AlertSchedulerOptions {
  database: Database
  config: Pick<Config, 'smtp' | 'dataDir' | 'publicUrl'>
  logger: Logger
  /** Epoch ms; tests inject a clock they move by hand. */
  clock?: () => number
  /** false: no timers, the caller calls `tick()` (tests, bench). Default true. */
  timers?: boolean
  /** Longest wait between two looks at the database, ms (default 15 s). */
  pollMs?: number
  /** Emails in flight at once (default 8). */
  concurrency?: number
  claimTtlMs?: number
  settleMs?: number
  /** Identifies this process in claims; default host:pid:random. */
  owner?: string
  notifier?: Notifier
  matcher?: IncidentMatcher
  retry?: RetryBudget
  sleep?: (ms: number) => Promise<void>
  afterSend?: AlertRunnerDeps['afterSend']
}

/** What one tick did: runs by status, and where its time went (wall ms per phase). */
export interface TickSummary {
  due: number
  ran: number
  statuses: Partial<Record<RunStatus, number>>
  timings: RunTimings & { claimMs: number }
}

/** Stops the scheduler (waits for the runs in flight); also exposes `tick()` and its owner id. */
export type AlertScheduler = (() => Promise<void>) & {
  tick(): Promise<TickSummary>
  readonly owner: string
}

const BATCH = 500
// History retention is applied this often by each scheduler.
const PRUNE_EVERY_MS = 3_600_000

/**
 * Gives every enabled alert a next run time and applies the missed-run policy: `skip` moves an
 * overdue alert to its next slot, `catch_up` leaves it due so that it runs once, now.
 */
async function prepare(database: Database, logger: Logger, now: number): Promise<void> {
  await database.db
    .updateTable('alerts')
    .set({ next_run_at: null })
    .where('enabled', '=', 0)
    .where('next_run_at', 'is not', null)
    .execute()

  const rows = await database.db.selectFrom('alerts').selectAll().where('enabled', '=', 1).execute()
  let scheduled = 0
  let skipped = 0
  let catchUp = 0
  for (const alert of rows.map(alertFromRow)) {
    const previous = alert.nextRunAt
    const grace = Math.max(60_000, typicalPeriod(alert.schedule, now) / 2)
    let next: number | null
    if (previous === null) {
      next = nextRunAfter(alert.schedule, now)
      scheduled += 1
    } else if (previous < now - grace && alert.missedPolicy === 'skip') {
      next = nextRunAfter(alert.schedule, now)
      skipped += 1
    } else {
      if (previous < now - grace) catchUp += 1
      continue
    }
    // Conditional: another process may have moved it meanwhile.
    let update = database.db
      .updateTable('alerts')
      .set({ next_run_at: next })
      .where('id', '=', alert.id)
    update =
      previous === null
        ? update.where('next_run_at', 'is', null)
        : update.where('next_run_at', '=', previous)
    await update.execute()
  }
  logger.info({ alerts: rows.length, scheduled, skipped, catchUp }, 'alert scheduler loaded alerts')
}

/**
 * Starts the alert scheduler of a web process: it loads the enabled alerts, then claims due ones
 * in batches (one conditional update per batch, so several processes never run one alert twice)
 * and runs each batch together (see runAlerts).
 * Returns the function that stops it.
 */
export function startAlertScheduler(options: AlertSchedulerOptions): AlertScheduler {
  const { database } = options
  const clock = options.clock ?? Date.now
  const logger = options.logger.child({ component: 'alert-scheduler' })
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  const ownsNotifier = options.notifier === undefined
  const notifier =
    options.notifier ??
    createNotifier(options.config, logger, {
      clock,
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    })
  const deps: AlertRunnerDeps = {
    database,
    notifier,
    matcher: options.matcher ?? searchMatcher(database),
    // A custom matcher (tests) is asked once per alert; the search shares work across a batch.
    ...(options.matcher === undefined ? { batchMatcher: searchBatchMatcher(database) } : {}),
    publicUrl: options.config.publicUrl,
    logger,
    clock,
    settleMs: options.settleMs ?? DEFAULT_SETTLE_MS,
    ...(options.afterSend === undefined ? {} : { afterSend: options.afterSend }),
  }
  const ttl = options.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS
  const pollMs = options.pollMs ?? 15_000
  const concurrency = options.concurrency ?? 8

  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> = Promise.resolve()
  let prepared = false
  let prunedAt = -Infinity

  async function tickOnce(): Promise<TickSummary> {
    if (!prepared) {
      await prepare(database, logger, clock())
      prepared = true
    }
    if (clock() - prunedAt >= PRUNE_EVERY_MS) {
      prunedAt = clock()
      const removed = await pruneRuns(database, prunedAt)
      if (removed > 0) logger.info({ removed }, 'old alert runs removed')
    }
    const timings = { claimMs: 0, evaluateMs: 0, recordMs: 0, deliverMs: 0 }
    const summary: TickSummary = { due: 0, ran: 0, statuses: {}, timings }
    while (!stopped) {
      // One statement claims a whole batch; the runs of a batch share searches and transactions.
      const claimStarted = performance.now()
      const alerts = await claimDueAlerts(database, owner, clock(), BATCH, ttl)
      timings.claimMs += performance.now() - claimStarted
      summary.due += alerts.length
      if (alerts.length === 0) break

      const runs = await runAlerts(deps, alerts, owner, 'schedule', {
        concurrency,
        claimTtlMs: ttl,
        isStopping: () => stopped,
        timings,
      })
      for (const run of runs) {
        // A run that failed was logged and its claim given back; it is tried at the next poll.
        if (run instanceof Error) continue

        summary.ran += 1
        summary.statuses[run.status] = (summary.statuses[run.status] ?? 0) + 1
      }
      if (alerts.length < BATCH) break
    }

    return summary
  }

  function tick(): Promise<TickSummary> {
    const result = running.then(tickOnce, tickOnce)
    running = result.catch(() => undefined)

    return result
  }

  async function delay(): Promise<number> {
    const row = await database.db
      .selectFrom('alerts')
      .select((eb) => eb.fn.min('next_run_at').as('next'))
      .where('enabled', '=', 1)
      .executeTakeFirst()
    const next = row?.next === null || row?.next === undefined ? null : row.next

    return next === null ? pollMs : Math.min(pollMs, Math.max(50, next - clock()))
  }

  function schedule(ms: number): void {
    if (stopped || options.timers === false) return

    clearTimeout(timer)
    timer = setTimeout(() => {
      void loop()
    }, ms)
  }

  async function loop(): Promise<void> {
    try {
      await tick()
      schedule(await delay())
    } catch (error) {
      logger.error({ err: error }, 'alert scheduler tick failed')
      schedule(pollMs)
    }
  }

  const onChange = (): void => {
    schedule(0)
  }
  alertChanges.on('changed', onChange)
  schedule(0)
  logger.info({ owner }, 'alert scheduler started')

  const stop = async (): Promise<void> => {
    if (stopped) return

    stopped = true
    clearTimeout(timer)
    alertChanges.off('changed', onChange)
    await running
    if (ownsNotifier) notifier.close()
    logger.info({ owner }, 'alert scheduler stopped')
  }

  return Object.assign(stop, { tick, owner })
}
