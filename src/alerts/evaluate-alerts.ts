import { isAppError } from '../errors/app-error.js'

import type { Alert } from './alert.js'
import type { BatchMatcher } from './batch-matcher.js'
import { countOccurrences, type MatchedIncident } from './match-incidents.js'
import type { AlertRunnerDeps } from './run-alert.js'

/** Most incidents one run records and mails. */
export const MAX_MATCHED = 1000

type Window = Evaluation['window']

/** What a run found in its window, and whether the alert's condition holds. */
export interface Evaluation {
  alert: Alert
  window: { from: number; to: number }
  incidents: MatchedIncident[]
  total: number
  holds: boolean
  /** Why the query could not be evaluated (it no longer parses), for a failed run; else null. */
  error: string | null
}

/**
 * Evaluates each alert over `(last_triggered, now − settle]` with one call of the batch matcher.
 * A query that no longer parses becomes an evaluation with `error` (a failed run that says why,
 * not a crash loop); any other failure is returned as the Error itself.
 */
export async function evaluateAlerts(
  deps: AlertRunnerDeps,
  matcher: BatchMatcher,
  alerts: readonly Alert[],
  now: number,
): Promise<Array<Evaluation | Error>> {
  const windows = alerts.map((alert) => {
    const from = alert.lastTriggeredAt

    return { from, to: Math.max(from, now - (deps.settleMs ?? 0)) }
  })
  // Every query is searched, even over an empty window, so that one that no longer parses fails
  // every run, quiet or not.
  const found = await matcher(
    alerts.map((alert, i) => ({ query: alert.query, ...(windows[i] as Window) })),
    MAX_MATCHED,
  )

  return Promise.all(
    alerts.map(async (alert, i): Promise<Evaluation | Error> => {
      const window = windows[i] as Window
      const result = found[i]
      if (result instanceof Error || result === undefined) {
        const error = result ?? new Error(`no match result for alert ${alert.id}`)
        if (!isAppError(error) || error.status >= 500) return error

        return {
          alert,
          window: { from: alert.lastTriggeredAt, to: now },
          incidents: [],
          total: 0,
          holds: false,
          error: `${error.code}: ${error.message}`,
        }
      }
      if (window.to <= window.from) {
        return { alert, window, incidents: [], total: 0, holds: false, error: null }
      }

      let holds = result.incidents.length > 0
      if (holds && alert.minOccurrences > 1) {
        const ids = result.incidents.map((incident) => incident.id)
        // Each matched incident occurred at least once in the window, whatever its minutes say.
        const counted = await countOccurrences(deps.database, ids, window.from)
        holds = Math.max(counted, result.total) >= alert.minOccurrences
      }

      return { alert, window, incidents: result.incidents, total: result.total, holds, error: null }
    }),
  )
}
