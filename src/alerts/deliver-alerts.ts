import type { Selectable } from 'kysely'

import type { Tx } from '../db/database.js'
import type { AlertHistoryTable } from '../db/schema.js'

import { renderAlertEmail } from './alert-email.js'
import { alertPossibleDuplicatesTotal } from './alert-metrics.js'
import { alertRunJson, type AlertRunJson, type RunTrigger } from './alert-run.js'
import { reportedAhead, type Evaluation } from './evaluate-alerts.js'
import { GroupCommit } from './group-commit.js'
import type { DeliveryOutcome } from './notifiers/notifier.js'
import {
  advanceWindows,
  finishRuns,
  insertRuns,
  releaseAlerts,
  renewClaims,
  type Release,
} from './record-runs.js'
import type { AlertRunnerDeps } from './run-alert.js'
import { nextRun, runValues } from './run-values.js'

/** What deliverAll needs besides the runner: limits, and what runAlerts found beforehand. */
export interface DeliveryContext {
  ttlMs: number
  concurrency: number
  isStopping: () => boolean
  /** Runs left `running` by a dead process, by alert (already marked failed). */
  interrupted: ReadonlyMap<number, ReadonlyArray<{ windowFrom: number }>>
  /** Runs held back by the storm guard, by `${alertId}:${windowFrom}`. */
  suppressed: ReadonlyMap<string, number>
  /** Filled with each alert's run, or the Error that stopped it. */
  results: Map<number, AlertRunJson | Error>
}

// Longest wait for the other lanes before a group is written anyway (a lane may be in a retry).
const GROUP_WAIT_MS = 10

type Write =
  | { kind: 'open'; evaluation: Evaluation; messageId: string; duplicate: boolean }
  | {
      kind: 'close'
      evaluation: Evaluation
      runId: number
      outcome: DeliveryOutcome
      release: Release
    }

// An open gives the run id (null: the claim was lost); a close gives the recorded run.
type Written = number | null | Selectable<AlertHistoryTable>

/** Works through `items` with `limit` lanes; `onLaneEnd` runs when a lane has no more work. */
async function lanes<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  onLaneEnd: () => void,
): Promise<void> {
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T
      next += 1
      await work(item)
    }
    onLaneEnd()
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
}

/**
 * Mails each evaluation whose condition holds, `concurrency` emails in flight. Every email is on
 * record as `running` (with its Message-ID) before it leaves, and its outcome, the advance of
 * `last_triggered` (unless it failed) and the release of the claim share one transaction; the
 * transactions are shared between concurrent emails (GroupCommit). The open checks and renews
 * the claim, so an alert whose claim expired and was taken over is not mailed twice.
 */
export async function deliverAll(
  deps: AlertRunnerDeps,
  evaluations: readonly Evaluation[],
  owner: string,
  trigger: RunTrigger,
  started: number,
  context: DeliveryContext,
): Promise<void> {
  const { logger } = deps
  const waiting = new Set(evaluations.map((e) => e.alert.id))
  let renewedAt = deps.clock()

  async function write(tx: Tx, items: Write[]): Promise<Written[]> {
    const now = deps.clock()
    const written: Written[] = []
    const closes = [...items.entries()].flatMap(([index, item]) =>
      item.kind === 'close' ? [{ index, ...item }] : [],
    )
    const finished = await finishRuns(
      tx,
      closes.map((c) => ({ runId: c.runId, ...c.outcome })),
      now,
    )
    const byId = new Map(finished.map((row) => [row.id, row]))
    for (const close of closes) written[close.index] = byId.get(close.runId) ?? null
    // The window is consumed only with the delivery that covered it, in one transaction.
    await advanceWindows(
      tx,
      closes
        .filter((c) => c.outcome.status !== 'failed')
        .map((c) => ({
          alertId: c.evaluation.alert.id,
          ...c.evaluation.window,
          ahead: reportedAhead(c.evaluation),
        })),
    )
    await releaseAlerts(
      tx,
      closes.map((c) => c.release),
      owner,
    )

    const opens = [...items.entries()].flatMap(([index, item]) =>
      item.kind === 'open' ? [{ index, ...item }] : [],
    )
    if (opens.length === 0) return written

    // Claims of emails still waiting their turn are renewed now and then, those opening always.
    const renewAll = now - renewedAt >= context.ttlMs / 3
    if (renewAll) renewedAt = now
    const ids = renewAll ? [...waiting] : opens.map((o) => o.evaluation.alert.id)
    const held = await renewClaims(tx, ids, owner, now + context.ttlMs)
    const kept = opens.filter((o) => held.has(o.evaluation.alert.id))
    const rows = await insertRuns(
      tx,
      kept.map((o) =>
        runValues(o.evaluation, trigger, started, {
          status: 'running',
          message_id: o.messageId,
          possible_duplicate: o.duplicate ? 1 : 0,
        }),
      ),
    )
    const opened = new Map(rows.map((r) => [r.alert_id, r.id]))
    for (const open of opens) written[open.index] = opened.get(open.evaluation.alert.id) ?? null

    return written
  }

  // A group is full when every lane still at work waits on it.
  let working = Math.min(context.concurrency, evaluations.length)
  const writer = new GroupCommit<Write, Written>(
    (items) => deps.database.transaction((tx) => write(tx, items)),
    { ready: () => working, maxWaitMs: GROUP_WAIT_MS },
  )
  const unfinished: Release[] = []

  async function deliverOne(evaluation: Evaluation): Promise<void> {
    const { alert, window } = evaluation
    if (context.isStopping()) {
      waiting.delete(alert.id)
      unfinished.push({ id: alert.id })

      return
    }

    const duplicate = (context.interrupted.get(alert.id) ?? []).some(
      (r) => r.windowFrom === window.from,
    )
    const email = renderAlertEmail({
      alert,
      recipients: alert.recipients,
      window,
      incidents: evaluation.incidents,
      total: evaluation.total,
      publicUrl: deps.publicUrl,
      suppressedRuns: context.suppressed.get(`${alert.id}:${window.from}`) ?? 0,
    })
    const runId = (await writer.add({
      kind: 'open',
      evaluation,
      messageId: email.messageId,
      duplicate,
    })) as number | null
    waiting.delete(alert.id)
    if (runId === null) {
      logger.warn({ alertId: alert.id }, 'alert claim lost before sending; another process runs it')
      context.results.set(alert.id, new Error(`alert ${alert.id}: claim lost before sending`))

      return
    }
    if (duplicate) alertPossibleDuplicatesTotal.inc()

    const outcome = await deps.notifier.send(
      email,
      duplicate ? { headers: { 'X-Alims-Possible-Duplicate': 'yes' } } : {},
    )
    await deps.afterSend?.(runId)
    const row = (await writer.add({
      kind: 'close',
      evaluation,
      runId,
      outcome,
      release: { id: alert.id, next: nextRun(alert, trigger, deps.clock()) },
    })) as Selectable<AlertHistoryTable> | null
    // The alert (and with it its history) was deleted while the email was on its way.
    if (row === null) throw new Error(`alert ${alert.id}: run ${runId} no longer exists`)

    context.results.set(alert.id, alertRunJson(row))
  }

  await lanes(
    evaluations,
    context.concurrency,
    async (evaluation) => {
      try {
        await deliverOne(evaluation)
      } catch (error) {
        const alertId = evaluation.alert.id
        logger.error({ err: error, alertId }, 'alert run failed')
        context.results.set(alertId, error instanceof Error ? error : new Error(String(error)))
        unfinished.push({ id: alertId })
      }
    },
    () => {
      working -= 1
      writer.poke()
    },
  )
  if (unfinished.length > 0) {
    await deps.database
      .transaction((tx) => releaseAlerts(tx, unfinished, owner))
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'alert claims not given back; they expire')
      })
  }
}
