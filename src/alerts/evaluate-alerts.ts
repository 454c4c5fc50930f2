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
  // every run, quiet or not. The search runs up to now, not to the window's end: an incident
  // active again and again keeps moving its activity_at into the settle time, and bounded by the
  // window's end it would never be found (see withoutReported).
  const found = await matcher(
    alerts.map((alert, i) => {
      const window = windows[i] as Window

      return { query: alert.query, from: window.from, to: Math.max(window.to, now) }
    }),
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

      const incidents = withoutReported(result.incidents, alert.reportedAhead)
      const total = result.total - (result.incidents.length - incidents.length)
      let holds = incidents.length > 0
      if (holds && alert.minOccurrences > 1) {
        const ids = incidents.map((incident) => incident.id)
        // Each matched incident occurred at least once in the window, whatever its minutes say.
        const counted = await countOccurrences(deps.database, ids, window.from)
        holds = Math.max(counted, total) >= alert.minOccurrences
      }

      return { alert, window, incidents, total, holds, error: null }
    }),
  )
}

/**
 * The matches without those the last email already listed for the same activity. A run finds
 * activity up to its own start, past its window's end; what it listed from there is kept with the
 * alert (reportedAhead), and the next run, whose window starts at that end, skips an incident
 * whose activity time has not moved since.
 */
export function withoutReported(
  incidents: readonly MatchedIncident[],
  reported: Alert['reportedAhead'],
): MatchedIncident[] {
  if (reported.length === 0) return [...incidents]

  const seen = new Map(reported)

  return incidents.filter((incident) => {
    const at = seen.get(incident.id)

    return at === undefined || incident.activityAt > at
  })
}

/**
 * What the alert keeps once an email covering `evaluation` was sent: the listed incidents whose
 * activity lies after the window's end, plus earlier entries still after it.
 */
export function reportedAhead(evaluation: Evaluation): Array<[number, number]> {
  const { window, incidents, alert } = evaluation
  const ahead = new Map<number, number>()
  for (const [id, at] of alert.reportedAhead) if (at > window.to) ahead.set(id, at)
  for (const incident of incidents) {
    if (incident.activityAt > window.to) {
      ahead.set(incident.id, Math.max(incident.activityAt, ahead.get(incident.id) ?? 0))
    }
  }

  return [...ahead]
}
