export {
  alertJson,
  type Alert,
  type AlertDefinition,
  type AlertJson,
  type MissedPolicy,
  type Schedule,
} from './alert.js'
export { alertChanges } from './alert-changes.js'
export { renderAlertEmail, alertMessageId, type AlertEmail } from './alert-email.js'
export {
  createAlert,
  deleteAlert,
  findAlert,
  getAlert,
  listAlerts,
  updateAlert,
} from './alert-repository.js'
export {
  findRun,
  lastRuns,
  listRuns,
  type AlertRunJson,
  type LastRun,
  type RunStatus,
} from './alert-run.js'
export {
  startAlertScheduler,
  type AlertScheduler,
  type AlertSchedulerOptions,
  type TickSummary,
} from './alert-scheduler.js'
export { searchMatcher, type IncidentMatcher, type MatchedIncident } from './match-incidents.js'
export { createNotifier } from './notifiers/create-notifier.js'
export type { DeliveryOutcome, Notifier } from './notifiers/notifier.js'
export { previewAlert, type AlertPreview } from './preview-alert.js'
export { runAlertNow, type AlertRunnerDeps } from './run-alert.js'
export { nextRunTimes, validateSchedule } from './schedule.js'
export { sendTestEmail } from './test-email.js'
export { PLACEHOLDERS } from './template.js'
export { validateAlertDefinition } from './validate-alert.js'
