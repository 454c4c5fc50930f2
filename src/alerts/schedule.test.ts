import { describe, expect, it } from 'vitest'

import { nextRunTimes, validateSchedule } from './schedule.js'

const iso = (times: number[]): string[] => times.map((t) => new Date(t).toISOString())
const at = Date.parse('2026-03-28T10:07:30Z')

describe('schedules', () => {
  it('aligns intervals and hours to UTC so that every process agrees', () => {
    expect(iso(nextRunTimes({ kind: 'interval', minutes: 15 }, at, 3))).toEqual([
      '2026-03-28T10:15:00.000Z',
      '2026-03-28T10:30:00.000Z',
      '2026-03-28T10:45:00.000Z',
    ])
    expect(iso(nextRunTimes({ kind: 'hourly', hours: 6 }, at, 2))).toEqual([
      '2026-03-28T12:00:00.000Z',
      '2026-03-28T18:00:00.000Z',
    ])
  })

  it('runs daily at a local time on chosen weekdays across a DST change', () => {
    const schedule = validateSchedule({
      kind: 'daily',
      days: ['sat', 'sun', 'mon'],
      at: '09:30',
      timezone: 'Europe/Berlin',
    })
    expect(iso(nextRunTimes(schedule, at, 3))).toEqual([
      '2026-03-29T07:30:00.000Z',
      '2026-03-30T07:30:00.000Z',
      '2026-04-04T07:30:00.000Z',
    ])
  })

  it('reads cron expressions in their time zone', () => {
    const schedule = validateSchedule({
      kind: 'cron',
      cron: '0 8 * * 1-5',
      timezone: 'America/New_York',
    })
    expect(iso(nextRunTimes(schedule, at, 2))).toEqual([
      '2026-03-30T12:00:00.000Z',
      '2026-03-31T12:00:00.000Z',
    ])
  })

  it('names the field of a bad schedule', () => {
    const field = (value: unknown): string | undefined => {
      try {
        validateSchedule(value)
      } catch (error) {
        return (error as { field?: string }).field
      }

      return undefined
    }
    expect(field({ kind: 'interval', minutes: 0 })).toBe('schedule.minutes')
    expect(field({ kind: 'weekly' })).toBe('schedule.kind')
    expect(field({ kind: 'cron', cron: '* * * * * *' })).toBe('schedule.cron')
    expect(field({ kind: 'daily', at: '9:00' })).toBe('schedule.at')
    expect(field({ kind: 'daily', at: '09:00', days: ['someday'] })).toBe('schedule.days')
    expect(field({ kind: 'cron', cron: '0 0 * * *', timezone: 'Nowhere/Land' })).toBe(
      'schedule.timezone',
    )
  })
})
