import { counter, histogram } from '../observability/metrics.js'

/** Runs by outcome: sent, nothing_new, failed, outbox, suppressed. */
export const alertRunsTotal = counter(
  'alims_alert_runs_total',
  'Alert runs by trigger and status',
  ['trigger', 'status'],
)

/** Runs flagged as a possible duplicate after a process died between sending and recording. */
export const alertPossibleDuplicatesTotal = counter(
  'alims_alert_possible_duplicates_total',
  'Alert emails resent for a window whose earlier delivery had an unknown outcome',
)

/** Duration of a whole run: match, render, deliver (with retries) and record. */
export const alertRunSeconds = histogram(
  'alims_alert_run_seconds',
  'Duration of alert runs in seconds',
  ['status'],
  [0.005, 0.02, 0.1, 0.5, 2, 10, 60],
)
