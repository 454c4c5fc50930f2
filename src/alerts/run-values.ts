import type { Insertable } from 'kysely'

import type { AlertHistoryTable } from '../db/schema.js'

import type { Alert } from './alert.js'
import type { RunStatus, RunTrigger } from './alert-run.js'
import type { Evaluation } from './evaluate-alerts.js'
import { nextRunAfter, typicalPeriod } from './schedule.js'

/** The next run time a run leaves behind; undefined for a manual run, which keeps the schedule. */
export function nextRun(
  alert: Alert,
  trigger: RunTrigger,
  now: number,
): { at: number | null; updatedAt: number } | undefined {
  // A scheduled run moves to the first slot after now, so however many slots were missed, they
  // are not run one by one. A run that ended just before a slot (a late or catch-up run) skips
  // that slot rather than running again at once.
  if (trigger !== 'schedule') return undefined

  const gap = Math.min(30_000, typicalPeriod(alert.schedule, now) / 2)

  return {
    at: alert.enabled ? nextRunAfter(alert.schedule, now + gap) : null,
    updatedAt: alert.updatedAt,
  }
}

/** The history row of a run: its window and matches, plus what `fields` add. */
export function runValues(
  evaluation: Evaluation,
  trigger: RunTrigger,
  started: number,
  fields: Partial<Insertable<AlertHistoryTable>> & { status: RunStatus },
): Insertable<AlertHistoryTable> {
  return {
    alert_id: evaluation.alert.id,
    trigger,
    started_at: started,
    window_from: evaluation.window.from,
    window_to: evaluation.window.to,
    matched: evaluation.total,
    incident_ids: JSON.stringify(evaluation.incidents.map((i) => i.id)),
    recipients: JSON.stringify(evaluation.alert.recipients),
    attempts: 0,
    possible_duplicate: 0,
    ...fields,
  }
}
