import { AppError } from '../errors/app-error.js'
import { isAppError } from '../errors/app-error.js'
import { parseQuery } from '../incidents/search/parse-query.js'

import { MISSED_POLICIES, type AlertDefinition, type MissedPolicy } from './alert.js'
import { validateSchedule } from './schedule.js'
import { checkTemplate, DEFAULT_BODY, DEFAULT_SUBJECT } from './template.js'

/** Most recipients of one alert. */
export const MAX_RECIPIENTS = 50
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

function bad(field: string, message: string): never {
  throw new AppError('VALIDATION_FAILED', `${field} ${message}`, { status: 400, field })
}

/** True for a plain address `local@domain` (no display name, no spaces, at most 254 characters). */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && ADDRESS.test(value)
}

function text(value: unknown, field: string, max: number, singleLine: boolean): string {
  if (typeof value !== 'string') bad(field, 'must be a string')
  if (value.length > max) bad(field, `is ${value.length} characters long; the limit is ${max}`)
  if (CONTROL.test(value) || (singleLine && /[\r\n]/.test(value))) {
    bad(
      field,
      singleLine ? 'must be one line without control characters' : 'holds control characters',
    )
  }

  return value
}

function recipients(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    bad('recipients', 'must be a non-empty list of email addresses')
  }
  if (value.length > MAX_RECIPIENTS)
    bad('recipients', `holds more than ${MAX_RECIPIENTS} addresses`)

  const seen = new Set<string>()
  value.forEach((item, index) => {
    const address = typeof item === 'string' ? item.trim() : ''
    if (!isEmailAddress(address)) {
      bad(`recipients[${index}]`, `is not an email address: ${JSON.stringify(item)}`)
    }
    seen.add(address)
  })

  return [...seen]
}

function query(value: unknown): string {
  const q = text(value ?? '', 'query', 2000, true).trim()
  try {
    parseQuery(q)
  } catch (error) {
    if (isAppError(error)) {
      throw new AppError(error.code, `query: ${error.message}`, {
        status: 400,
        field: 'query',
        ...(error.details === undefined ? {} : { details: error.details }),
      })
    }
    throw error
  }

  return q
}

function whole(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    bad(field, `must be a whole number from ${min} to ${max}`)
  }

  return value
}

function bool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') bad(field, 'must be true or false')

  return value
}

/**
 * Checks an alert definition from a request body. Fields left out keep their value in `base`
 * (an edit) or take the defaults (a new alert). Errors are VALIDATION_FAILED naming the field.
 */
export function validateAlertDefinition(input: unknown, base?: AlertDefinition): AlertDefinition {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    bad('body', 'must be a JSON object')
  }
  const body = input as Record<string, unknown>
  const pick = (key: keyof AlertDefinition): unknown => body[key] ?? base?.[key]

  const name = text(pick('name'), 'name', 200, true).trim()
  if (name === '') bad('name', 'must not be empty')

  const subject = text(pick('subject') ?? DEFAULT_SUBJECT, 'subject', 1000, true)
  const emailBody = text(pick('body') ?? DEFAULT_BODY, 'body', 20_000, false)
  checkTemplate(subject, 'subject')
  checkTemplate(emailBody, 'body')

  const policy = pick('missedPolicy') ?? 'catch_up'
  if (!MISSED_POLICIES.includes(policy as MissedPolicy)) {
    bad('missedPolicy', 'must be catch_up (one catch-up run) or skip')
  }

  return {
    name,
    query: query(pick('query')),
    recipients: recipients(pick('recipients')),
    subject,
    body: emailBody,
    includeSummary: bool(pick('includeSummary') ?? true, 'includeSummary'),
    minOccurrences: whole(pick('minOccurrences') ?? 1, 'minOccurrences', 1, 1_000_000),
    schedule: validateSchedule(pick('schedule')),
    enabled: bool(pick('enabled') ?? true, 'enabled'),
    missedPolicy: policy as MissedPolicy,
    maxPerHour: whole(pick('maxPerHour') ?? 12, 'maxPerHour', 1, 3600),
  }
}
