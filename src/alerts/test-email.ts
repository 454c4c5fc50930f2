import type { Alert } from './alert.js'
import { renderAlertEmail } from './alert-email.js'
import { alertRunsTotal } from './alert-metrics.js'
import { findRun, type AlertRunJson } from './alert-run.js'
import { PREVIEW_WINDOW_MS } from './preview-alert.js'
import { MAX_MATCHED, type AlertRunnerDeps } from './run-alert.js'

/**
 * Sends the alert's email now to its recipients with the matches of the last 24 hours, marked
 * `[test]`. It is recorded in history (trigger `test`) and changes neither window nor schedule.
 */
export async function sendTestEmail(deps: AlertRunnerDeps, alert: Alert): Promise<AlertRunJson> {
  const started = deps.clock()
  // What the preview shows: the matches of the last 24 hours, so a new alert's test has content.
  const window = { from: started - PREVIEW_WINDOW_MS, to: started }
  const { incidents, total } = await deps.matcher(alert.query, window.from, window.to, MAX_MATCHED)
  const email = renderAlertEmail({
    alert: { ...alert, subject: `[test] ${alert.subject}` },
    recipients: alert.recipients,
    window,
    incidents,
    total,
    publicUrl: deps.publicUrl,
  })
  email.messageId = `<alert-${alert.id}-test-${started}@alims>`

  const outcome = await deps.notifier.send(email, { headers: { 'X-Alims-Test': 'yes' } })
  const row = await deps.database.db
    .insertInto('alert_history')
    .values({
      alert_id: alert.id,
      trigger: 'test',
      status: outcome.status,
      started_at: started,
      finished_at: deps.clock(),
      window_from: window.from,
      window_to: window.to,
      matched: total,
      incident_ids: JSON.stringify(incidents.map((i) => i.id)),
      recipients: JSON.stringify(alert.recipients),
      message_id: email.messageId,
      smtp_reply: outcome.reply,
      error: outcome.error,
      attempts: outcome.attempts,
      possible_duplicate: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  alertRunsTotal.inc({ trigger: 'test', status: outcome.status })
  deps.logger.info(
    { alertId: alert.id, runId: row.id, status: outcome.status },
    'alert test email finished',
  )

  return (await findRun(deps.database, row.id)) as AlertRunJson
}
