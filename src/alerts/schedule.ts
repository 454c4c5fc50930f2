import { Cron } from 'croner'

import { AppError } from '../errors/app-error.js'

import { WEEKDAYS, type Schedule, type Weekday } from './alert.js'

const MINUTE = 60_000
const HOUR = 3_600_000

function bad(field: string, message: string): never {
  throw new AppError('VALIDATION_FAILED', `${field} ${message}`, { status: 400, field })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function wholeNumber(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    bad(field, `must be a whole number from ${min} to ${max}`)
  }

  return value
}

/** True when `zone` is an IANA time zone this Node.js knows (`UTC`, `Europe/Paris`). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })

    return zone !== ''
  } catch {
    return false
  }
}

function timeZone(value: unknown, field: string): string {
  if (value === undefined) return 'UTC'
  if (typeof value !== 'string' || !isTimeZone(value)) {
    bad(field, 'must be an IANA time zone such as UTC or Europe/Berlin')
  }

  return value
}

function weekdays(value: unknown): Weekday[] {
  if (value === undefined) return [...WEEKDAYS]
  if (!Array.isArray(value) || value.length === 0) {
    bad('schedule.days', 'must be a non-empty list of weekdays (mon, tue, … sun)')
  }
  const days = new Set<Weekday>()
  for (const day of value) {
    const name = typeof day === 'string' ? day.toLowerCase() : ''
    if (!(WEEKDAYS as readonly string[]).includes(name)) {
      bad(
        'schedule.days',
        `holds ${JSON.stringify(day)}; expected mon, tue, wed, thu, fri, sat or sun`,
      )
    }
    days.add(name as Weekday)
  }

  return WEEKDAYS.filter((d) => days.has(d))
}

function cronOf(pattern: string, timezone: string, field: string): Cron {
  try {
    return new Cron(pattern, { timezone, paused: true, mode: '5-part' })
  } catch (error) {
    return bad(field, `is not a valid 5-field cron expression: ${(error as Error).message}`)
  }
}

/** Checks a schedule from a request body; errors name the field, e.g. `schedule.minutes`. */
export function validateSchedule(value: unknown): Schedule {
  if (!isRecord(value)) bad('schedule', 'must be an object with a kind')

  switch (value.kind) {
    case 'interval':
      return {
        kind: 'interval',
        minutes: wholeNumber(value.minutes, 'schedule.minutes', 1, 10_080),
      }
    case 'hourly':
      return { kind: 'hourly', hours: wholeNumber(value.hours ?? 1, 'schedule.hours', 1, 24) }
    case 'daily': {
      const at = typeof value.at === 'string' ? value.at : ''
      if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(at)) bad('schedule.at', 'must be a time HH:MM (24 h)')
      const schedule: Schedule = {
        kind: 'daily',
        days: weekdays(value.days),
        at,
        timezone: timeZone(value.timezone, 'schedule.timezone'),
      }
      cronOf(cronPattern(schedule), schedule.timezone, 'schedule')

      return schedule
    }
    case 'cron': {
      if (typeof value.cron !== 'string' || value.cron.trim() === '' || value.cron.length > 200) {
        bad('schedule.cron', 'must be a cron expression such as */15 * * * *')
      }
      const schedule: Schedule = {
        kind: 'cron',
        cron: value.cron.trim(),
        timezone: timeZone(value.timezone, 'schedule.timezone'),
      }
      const cron = cronOf(schedule.cron, schedule.timezone, 'schedule.cron')
      if (cron.nextRun(new Date()) === null) bad('schedule.cron', 'never runs again')

      return schedule
    }
    default:
      return bad('schedule.kind', 'must be one of interval, hourly, daily, cron')
  }
}

function cronPattern(schedule: Extract<Schedule, { kind: 'daily' }>): string {
  const [hour, minute] = schedule.at.split(':').map(Number)
  const days = schedule.days.map((d) => WEEKDAYS.indexOf(d)).join(',')

  return `${minute ?? 0} ${hour ?? 0} * * ${days}`
}

function aligned(after: number, step: number): number {
  return Math.floor(after / step) * step + step
}

/**
 * The first run time strictly after `after` (epoch ms), or null when a cron never fires again.
 * Intervals align to multiples of their length since the epoch, so every process agrees.
 */
export function nextRunAfter(schedule: Schedule, after: number): number | null {
  switch (schedule.kind) {
    case 'interval':
      return aligned(after, schedule.minutes * MINUTE)
    case 'hourly':
      return aligned(after, schedule.hours * HOUR)
    case 'daily':
    case 'cron': {
      const pattern = schedule.kind === 'cron' ? schedule.cron : cronPattern(schedule)
      const cron = new Cron(pattern, { timezone: schedule.timezone, paused: true, mode: '5-part' })

      return cron.nextRun(new Date(after))?.getTime() ?? null
    }
  }
}

/** The next `count` run times after `after` (epoch ms), for previews. */
export function nextRunTimes(schedule: Schedule, after: number, count: number): number[] {
  const times: number[] = []
  let cursor = after
  while (times.length < count) {
    const next = nextRunAfter(schedule, cursor)
    if (next === null) break
    times.push(next)
    cursor = next
  }

  return times
}

/** The usual gap between two runs, in ms: how late a run may be before it counts as missed. */
export function typicalPeriod(schedule: Schedule, around: number): number {
  const [first, second] = nextRunTimes(schedule, around, 2)

  return first === undefined || second === undefined ? HOUR : second - first
}
