import { describe, expect, it } from 'vitest'

import {
  fromEpoch,
  parseTimeValue,
  scanAccessTime,
  scanCtime,
  scanIsoLike,
  scanSyslogTime,
  scanned,
} from './timestamp.js'

const NOW = Date.UTC(2024, 11, 3, 14, 0, 0)

describe('scanIsoLike', () => {
  it('reads ISO 8601 with its zone', () => {
    expect(scanIsoLike('2024-12-03T13:58:26.123Z rest')).toBe(
      Date.UTC(2024, 11, 3, 13, 58, 26, 123),
    )
    expect(scanned.end).toBe(24)
    expect(scanIsoLike('2024-12-03T13:58:26+02:00')).toBe(Date.UTC(2024, 11, 3, 11, 58, 26))
    expect(scanIsoLike('2024-12-03 13:58:26,5 -0700')).toBe(Date.UTC(2024, 11, 3, 20, 58, 26, 500))
    expect(scanIsoLike('2024-12-03 13:58:26.123 +01:00')).toBe(
      Date.UTC(2024, 11, 3, 12, 58, 26, 123),
    )
    expect(scanIsoLike('2024-12-03 13:58:26 UTC')).toBe(Date.UTC(2024, 11, 3, 13, 58, 26))
  })

  it('reads a time without a zone as local time', () => {
    expect(scanIsoLike('2024/12/03 13:58:26')).toBe(new Date(2024, 11, 3, 13, 58, 26).getTime())
    expect(scanIsoLike('2024-12-03 13:58:26,123456')).toBe(
      new Date(2024, 11, 3, 13, 58, 26, 123).getTime(),
    )
  })

  it('returns NaN for text that is no time or an impossible one', () => {
    expect(scanIsoLike('hello world, no time here')).toBeNaN()
    expect(scanIsoLike('2024-13-03T10:00:00Z')).toBeNaN()
    expect(scanIsoLike('2024-12-03T25:00:00Z')).toBeNaN()
    expect(scanIsoLike('2024-12')).toBeNaN()
  })
})

describe('other layouts', () => {
  it('reads the access-log time with its offset', () => {
    expect(scanAccessTime('10/Oct/2024:13:55:36 -0700', 0)).toBe(Date.UTC(2024, 9, 10, 20, 55, 36))
  })

  it('reads the Apache error-log time', () => {
    expect(scanCtime('Wed Oct 11 14:32:52.123456 2024', 0)).toBe(
      new Date(2024, 9, 11, 14, 32, 52, 123).getTime(),
    )
  })

  it('gives syslog times this year, or last year when that would be in the future', () => {
    expect(scanSyslogTime('Dec  3 13:58:26', 0, NOW)).toBe(
      new Date(2024, 11, 3, 13, 58, 26).getTime(),
    )
    expect(scanSyslogTime('Dec 31 23:00:00', 0, Date.UTC(2025, 0, 1, 1))).toBe(
      new Date(2024, 11, 31, 23, 0, 0).getTime(),
    )
  })
})

describe('epoch numbers and field values', () => {
  it('tells seconds, milliseconds, microseconds and nanoseconds apart', () => {
    const ms = Date.UTC(2024, 11, 3, 13, 58, 26, 123)
    expect(fromEpoch(ms / 1000)).toBe(ms)
    expect(fromEpoch(ms)).toBe(ms)
    expect(fromEpoch(ms * 1000)).toBe(ms)
    expect(fromEpoch(ms * 1e6)).toBe(ms)
    expect(fromEpoch(-5)).toBeNaN()
  })

  it('reads strings in any common form and rejects others', () => {
    expect(parseTimeValue('2024-12-03T13:58:26Z')).toBe(Date.UTC(2024, 11, 3, 13, 58, 26))
    expect(parseTimeValue('1733234306')).toBe(1733234306000)
    expect(parseTimeValue('Tue, 03 Dec 2024 13:58:26 GMT')).toBe(Date.UTC(2024, 11, 3, 13, 58, 26))
    expect(parseTimeValue('soon')).toBeNaN()
    expect(parseTimeValue({})).toBeNaN()
  })
})
