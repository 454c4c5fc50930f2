import type { ServiceNowConfig } from '../config/config.js'
import type { Severity } from '../incidents/severity.js'

/** What a ticket says about an incident: read from the incident row when the work is sent. */
export interface TicketIncident {
  id: number
  fingerprint: string
  severity: Severity
  status: string
  title: string
  template: string
  service: string
  source: string
  count: number
  regression_count: number
  first_seen_at: number
  last_seen_at: number
}

/** Raw text of the first and the latest stored event, or null when none is stored. */
export interface TicketSamples {
  first: string | null
  latest: string | null
}

export const SHORT_DESCRIPTION_MAX = 160
const DESCRIPTION_MAX = 4000
const SAMPLE_MAX = 1500

// C0 and C1 control characters, and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g
// eslint-disable-next-line no-control-regex -- the same, keeping newline and tab
const CONTROL_KEEP_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g

/** Impact and urgency (1 high … 3 low) for a severity; ServiceNow derives priority from them. */
export function impactUrgency(severity: Severity): { impact: string; urgency: string } {
  const level = severity === 'HIGH' ? '1' : severity === 'MEDIUM' ? '2' : '3'

  return { impact: level, urgency: level }
}

/** One line, control characters removed, at most `max` characters (an ellipsis marks a cut). */
export function oneLine(text: string, max: number): string {
  const clean = text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim()
  const chars = Array.from(clean)
  if (chars.length <= max) return clean

  return `${chars.slice(0, max - 1).join('')}…`
}

function block(text: string, max: number): string {
  const clean = text.replace(/\r\n?/g, '\n').replace(CONTROL_KEEP_LINES, ' ')
  const chars = Array.from(clean)

  return chars.length <= max ? clean : `${chars.slice(0, max - 1).join('')}…`
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

/** The link back to the incident in the alims UI. */
export function incidentLink(publicUrl: string, id: number): string {
  return `${publicUrl}/incidents/${id}`
}

/** The short description: severity, service and title on one line of at most 160 characters. */
export function shortDescription(incident: TicketIncident): string {
  return oneLine(
    `[alims] ${incident.severity} ${incident.service}: ${incident.title}`,
    SHORT_DESCRIPTION_MAX,
  )
}

/** The description: template, samples, count, first and last seen, and the link back. */
export function description(
  incident: TicketIncident,
  samples: TicketSamples,
  publicUrl: string,
): string {
  const lines = [
    `alims incident ${incident.id} (${incident.severity}) in ${oneLine(incident.service, 200)}`,
    '',
    `Template: ${oneLine(incident.template, 1000)}`,
    `Occurrences: ${incident.count}`,
    `First seen: ${iso(incident.first_seen_at)}`,
    `Last seen: ${iso(incident.last_seen_at)}`,
    `Source: ${oneLine(incident.source, 300)}`,
    `Fingerprint: ${incident.fingerprint}`,
    `Details: ${incidentLink(publicUrl, incident.id)}`,
  ]
  if (samples.first !== null) lines.push('', 'First sample:', block(samples.first, SAMPLE_MAX))
  if (samples.latest !== null && samples.latest !== samples.first) {
    lines.push('', 'Latest sample:', block(samples.latest, SAMPLE_MAX))
  }

  return block(lines.join('\n'), DESCRIPTION_MAX)
}

/** The fields of a new ServiceNow incident for an alims incident. */
export function createFields(
  incident: TicketIncident,
  samples: TicketSamples,
  snow: ServiceNowConfig,
  publicUrl: string,
): Record<string, string> {
  const fields: Record<string, string> = {
    short_description: shortDescription(incident),
    description: description(incident, samples, publicUrl),
    ...impactUrgency(incident.severity),
    correlation_id: incident.fingerprint,
    correlation_display: 'alims',
  }
  if (snow.callerId !== null) fields.caller_id = snow.callerId
  if (snow.assignmentGroup !== null) fields.assignment_group = snow.assignmentGroup
  if (snow.category !== null) fields.category = snow.category
  if (snow.cmdbCi !== null) fields.cmdb_ci = snow.cmdbCi

  return fields
}

/** The work note added when an incident with a ticket recurs or regresses. */
export function workNote(incident: TicketIncident, publicUrl: string): string {
  const what = incident.regression_count > 0 ? 'recurred (regressions: ' : 'recurred ('
  const detail =
    incident.regression_count > 0 ? `${incident.regression_count})` : 'still happening)'

  return [
    `alims: the error ${what}${detail}.`,
    `Occurrences: ${incident.count}`,
    `Last seen: ${iso(incident.last_seen_at)}`,
    `Status in alims: ${incident.status}`,
    `Details: ${incidentLink(publicUrl, incident.id)}`,
  ].join('\n')
}
