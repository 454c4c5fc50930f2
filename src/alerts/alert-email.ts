import type { MatchedIncident } from './match-incidents.js'
import { renderTemplate, type Placeholder, type TemplateValues } from './template.js'

/** Most incidents listed in the summary table (the prototype's limit). */
export const SUMMARY_LIMIT = 20
/** Most incidents listed by the {{incidents}} placeholder. */
export const LIST_LIMIT = 50
const SUBJECT_MAX = 250

/** An email ready for a notifier: one-line subject, text and HTML parts, stable Message-ID. */
export interface AlertEmail {
  to: string[]
  subject: string
  text: string
  html: string
  messageId: string
}

/** What an email is rendered from. */
export interface AlertEmailInput {
  alert: {
    id: number
    name: string
    query: string
    subject: string
    body: string
    includeSummary: boolean
  }
  recipients: readonly string[]
  window: { from: number; to: number }
  /** Newest activity first; `total` may exceed the list when it was capped. */
  incidents: readonly MatchedIncident[]
  total: number
  publicUrl: string
  /** Earlier runs held back by the storm guard whose incidents this email includes. */
  suppressedRuns?: number
}

/** The stable Message-ID of (alert, window start): a resend of one window carries the same id. */
export function alertMessageId(alertId: number, windowFrom: number): string {
  return `<alert-${alertId}-${windowFrom}@alims>`
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c)
}

// C0 controls other than tab and newline, DEL and the C1 range: never useful in a message.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g

function plain(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROLS, ' ')
}

/** One line: CR, LF and every control character become a space, so no header can be added. */
export function oneLine(text: string, max = SUBJECT_MAX): string {
  const line = text
    .replace(/[\r\n]+/g, ' ')
    .replace(CONTROLS, ' ')
    .replace(/\s+/g, ' ')
    .trim()

  return line.length <= max ? line : `${line.slice(0, max - 1)}…`
}

// Each incident's time and title appear in up to four places of one email: formatted once per
// render (rendering is synchronous, so the memo is cleared at the start of each).
const memo = new Map<string, string>()

function remember(key: string, make: () => string): string {
  let value = memo.get(key)
  if (value === undefined) {
    value = make()
    memo.set(key, value)
  }

  return value
}

function time(ms: number): string {
  return remember(`t${ms}`, () => {
    const iso = new Date(ms).toISOString()

    return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`
  })
}

function title(text: string, max: number): string {
  return remember(`${max}:${text}`, () => oneLine(text, max))
}

function base(url: string): string {
  return url.replace(/\/+$/, '')
}

function incidentLink(input: AlertEmailInput, id: number): string {
  return `${base(input.publicUrl)}/incidents/${id}`
}

function searchLink(input: AlertEmailInput): string {
  const q = input.alert.query

  return `${base(input.publicUrl)}/incidents${q === '' ? '' : `?q=${encodeURIComponent(q)}`}`
}

function more(input: AlertEmailInput, shown: number): number {
  return Math.max(input.total, input.incidents.length) - shown
}

function textList(input: AlertEmailInput): string {
  const shown = input.incidents.slice(0, LIST_LIMIT)
  const lines = shown.map(
    (i) =>
      `- [${i.severity}] ${plain(title(i.title, 300))} (${i.count}×, last seen ${time(i.lastSeenAt)}) ${incidentLink(input, i.id)}`,
  )
  const rest = more(input, shown.length)
  if (rest > 0) lines.push(`… and ${rest} more`)

  return lines.join('\n')
}

function htmlList(input: AlertEmailInput): string {
  const shown = input.incidents.slice(0, LIST_LIMIT)
  const items = shown.map(
    (i) =>
      `<li>[${escapeHtml(i.severity)}] <a href="${escapeHtml(incidentLink(input, i.id))}">${escapeHtml(title(i.title, 300))}</a> (${i.count}×, last seen ${escapeHtml(time(i.lastSeenAt))})</li>`,
  )
  const rest = more(input, shown.length)
  if (rest > 0) items.push(`<li>… and ${rest} more</li>`)

  return `<ul>${items.join('')}</ul>`
}

function values(input: AlertEmailInput, incidents: string): TemplateValues {
  return {
    'alert.name': input.alert.name,
    count: String(Math.max(input.total, input.incidents.length)),
    query: input.alert.query === '' ? '(all incidents)' : input.alert.query,
    'window.from': time(input.window.from),
    'window.to': time(input.window.to),
    incidents,
    link: searchLink(input),
  }
}

function textSummary(input: AlertEmailInput): string {
  const rows = input.incidents
    .slice(0, SUMMARY_LIMIT)
    .map((i) =>
      [
        i.severity.padEnd(8),
        String(i.count).padStart(7),
        time(i.lastSeenAt),
        plain(title(i.title, 120)),
        incidentLink(input, i.id),
      ].join('  '),
    )

  return [
    '--',
    `Search: ${input.alert.query === '' ? '(all incidents)' : plain(input.alert.query)}`,
    `Window: ${time(input.window.from)} – ${time(input.window.to)}`,
    '',
    ['SEVERITY', '  COUNT', 'LAST SEEN'.padEnd(23), 'TITLE'].join('  '),
    ...rows,
  ].join('\n')
}

function htmlSummary(input: AlertEmailInput): string {
  const cell = 'style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left"'
  const rows = input.incidents
    .slice(0, SUMMARY_LIMIT)
    .map(
      (i) =>
        `<tr><td ${cell}>${escapeHtml(i.severity)}</td><td ${cell}><a href="${escapeHtml(incidentLink(input, i.id))}">${escapeHtml(title(i.title, 300))}</a></td><td ${cell}>${i.count}</td><td ${cell}>${escapeHtml(time(i.lastSeenAt))}</td></tr>`,
    )

  return [
    '<hr>',
    `<p>Search: <code>${escapeHtml(input.alert.query === '' ? '(all incidents)' : input.alert.query)}</code><br>`,
    `Window: ${escapeHtml(time(input.window.from))} – ${escapeHtml(time(input.window.to))}</p>`,
    `<table style="border-collapse:collapse"><thead><tr><th ${cell}>Severity</th><th ${cell}>Title</th><th ${cell}>Count</th><th ${cell}>Last seen</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
  ].join('\n')
}

function suppressedNote(input: AlertEmailInput): string | null {
  const n = input.suppressedRuns ?? 0

  return n > 0
    ? `The storm guard held back ${n} earlier run${n === 1 ? '' : 's'} of this alert; this email includes their incidents.`
    : null
}

/**
 * Renders an alert email. Every piece of incident text is escaped for HTML, the subject is one
 * line (CR/LF become spaces) and the Message-ID depends only on the alert and the window start.
 */
export function renderAlertEmail(input: AlertEmailInput): AlertEmail {
  memo.clear()
  const textValues = values(input, textList(input))
  const htmlValues = values(input, htmlList(input))
  const note = suppressedNote(input)

  const text = [plain(renderTemplate(input.alert.body, textValues))]
  if (note !== null) text.push('', note)
  if (input.alert.includeSummary) text.push('', textSummary(input))

  const encodeHtml = (value: string, name: Placeholder): string =>
    name === 'incidents'
      ? value
      : name === 'link'
        ? `<a href="${escapeHtml(value)}">${escapeHtml(value)}</a>`
        : escapeHtml(value)
  const literal = (t: string): string => escapeHtml(plain(t)).replace(/\n/g, '<br>\n')
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;font-size:14px">',
    `<div>${renderTemplate(input.alert.body, htmlValues, encodeHtml, literal)}</div>`,
  ]
  if (note !== null) html.push(`<p><em>${escapeHtml(note)}</em></p>`)
  if (input.alert.includeSummary) html.push(htmlSummary(input))
  html.push('</body></html>')

  return {
    to: [...input.recipients],
    subject: oneLine(renderTemplate(input.alert.subject, textValues)),
    text: `${text.join('\n')}\n`,
    html: `${html.join('\n')}\n`,
    messageId: alertMessageId(input.alert.id, input.window.from),
  }
}
