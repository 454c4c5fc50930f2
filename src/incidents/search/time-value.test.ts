import { describe, expect, it } from 'vitest'

import { parseDuration, parseTime } from './time-value.js'

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0)

describe('parseDuration', () => {
  it('reads units and sums of units', () => {
    expect(parseDuration('90s')).toBe(90_000)
    expect(parseDuration('15m')).toBe(900_000)
    expect(parseDuration('24h')).toBe(86_400_000)
    expect(parseDuration('7d')).toBe(604_800_000)
    expect(parseDuration('2w')).toBe(1_209_600_000)
    expect(parseDuration('1h30m')).toBe(5_400_000)
  })

  it('refuses zero, unknown units, signs and absurd lengths', () => {
    for (const text of ['0h', '5y', '-1h', '1.5h', 'h', '', '99999d', '1H']) {
      expect(parseDuration(text)).toBeNull()
    }
  })
})

describe('parseTime', () => {
  it('reads now and relative times', () => {
    expect(parseTime('now', NOW)).toBe(NOW)
    expect(parseTime('NOW', NOW)).toBe(NOW)
    expect(parseTime('now-1h', NOW)).toBe(NOW - 3_600_000)
    expect(parseTime('-7d', NOW)).toBe(NOW - 7 * 86_400_000)
  })

  it('reads ISO times in UTC unless a zone is given', () => {
    expect(parseTime('2026-12-01', NOW)).toBe(Date.UTC(2026, 11, 1))
    expect(parseTime('2026-12-01T10:30', NOW)).toBe(Date.UTC(2026, 11, 1, 10, 30))
    expect(parseTime('2026-12-01T10:30:15.5Z', NOW)).toBe(Date.UTC(2026, 11, 1, 10, 30, 15, 500))
    expect(parseTime('2026-12-01T10:30:00+01:00', NOW)).toBe(Date.UTC(2026, 11, 1, 9, 30))
    expect(parseTime('2026-12-01T10:30:00-0230', NOW)).toBe(Date.UTC(2026, 11, 1, 13, 0))
  })

  it('reads a date alone as the end of the day when asked (for to:)', () => {
    expect(parseTime('2026-12-01', NOW, true)).toBe(Date.UTC(2026, 11, 2) - 1)
    expect(parseTime('2026-12-01T10:00', NOW, true)).toBe(Date.UTC(2026, 11, 1, 10))
  })

  it('refuses impossible dates and other text', () => {
    for (const text of [
      '2026-02-30',
      '2026-13-01',
      '2026-12-01T24:00',
      '2026-12-01T10:60',
      'yesterday',
      'now+1h',
      '-',
      '1700000000000',
    ]) {
      expect(parseTime(text, NOW)).toBeNull()
    }
  })
})
