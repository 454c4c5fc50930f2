import { AppError } from '../errors/app-error.js'

import { renderAlertEmail } from './alert-email.js'
import type { IncidentMatcher } from './match-incidents.js'
import { MAX_MATCHED } from './run-alert.js'
import { nextRunTimes } from './schedule.js'
import { DEFAULT_BODY, DEFAULT_SUBJECT } from './template.js'
import { validateAlertDefinition } from './validate-alert.js'

/** How far back a preview of a draft looks for incidents. */
export const PREVIEW_WINDOW_MS = 24 * 3_600_000

/** A draft rendered: the email it would send now and its next five run times (ISO 8601). */
export interface AlertPreview {
  subject: string
  text: string
  html: string
  matched: number
  windowFrom: string
  windowTo: string
  nextRuns: string[]
}

export interface PreviewDeps {
  matcher: IncidentMatcher
  publicUrl: string
  clock: () => number
}

/**
 * Renders a draft alert (a form being filled in) against the incidents of the last 24 hours.
 * Recipients may still be missing; every other field is checked as on save.
 */
export async function previewAlert(deps: PreviewDeps, draft: unknown): Promise<AlertPreview> {
  if (typeof draft !== 'object' || draft === null || Array.isArray(draft)) {
    throw new AppError('VALIDATION_FAILED', 'body must be a JSON object', {
      status: 400,
      field: 'body',
    })
  }
  const body = draft as Record<string, unknown>
  const name =
    typeof body.name === 'string' && body.name.trim() !== '' ? body.name : 'Untitled alert'
  const definition = validateAlertDefinition({
    ...body,
    name,
    // Recipients do not change what is rendered, and a half-typed address must not stop a preview.
    recipients: ['preview@example.com'],
    subject: body.subject ?? DEFAULT_SUBJECT,
    body: body.body ?? DEFAULT_BODY,
  })

  const now = deps.clock()
  const window = { from: now - PREVIEW_WINDOW_MS, to: now }
  const { incidents, total } = await deps.matcher(
    definition.query,
    window.from,
    window.to,
    MAX_MATCHED,
  )
  const email = renderAlertEmail({
    alert: { id: 0, ...definition },
    recipients: definition.recipients,
    window,
    incidents,
    total,
    publicUrl: deps.publicUrl,
  })

  return {
    subject: email.subject,
    text: email.text,
    html: email.html,
    matched: total,
    windowFrom: new Date(window.from).toISOString(),
    windowTo: new Date(window.to).toISOString(),
    nextRuns: nextRunTimes(definition.schedule, now, 5).map((t) => new Date(t).toISOString()),
  }
}
