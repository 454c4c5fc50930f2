import { describe, expect, it } from 'vitest'

import type { IncidentCandidate } from '../event.js'

import { aggregate, minuteStart } from './aggregate.js'

function candidate(
  fingerprint: string,
  timestamp: number,
  severity: 'HIGH' | 'LOW' = 'LOW',
): IncidentCandidate {
  return {
    event: {
      source: '/var/log/app.log',
      offset: timestamp,
      end: timestamp + 1,
      line: 1,
      timestamp,
      hasTimestamp: true,
      level: 'error',
      message: `m ${timestamp}`,
      service: 'app',
      format: 'plain',
      fields: {},
      raw: `m ${timestamp}`,
    },
    classification: { severity, ignored: false, rule: 'r', tags: [], title: null, noTicket: false },
    grouping: { template: 'm <NUM>', fingerprint },
  }
}

describe('aggregate', () => {
  it('counts each fingerprint once per occurrence and keeps first-seen order', () => {
    const groups = aggregate([candidate('a', 1), candidate('b', 2), candidate('a', 3)], 5, 5)

    expect(groups.map((g) => [g.fingerprint, g.count])).toEqual([
      ['a', 2],
      ['b', 1],
    ])
  })

  it('takes the highest severity and the time range of the group', () => {
    const [group] = aggregate([candidate('a', 5000), candidate('a', 1000, 'HIGH')], 5, 5)

    expect(group?.severity).toBe('HIGH')
    expect(group?.firstSeen).toBe(1000)
    expect(group?.lastSeen).toBe(5000)
  })

  it('bounds the samples to the first and the latest events', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => candidate('a', i * 1000))
    const [group] = aggregate(many, 3, 2)

    expect(group?.count).toBe(10_000)
    expect(group?.earliest.map((e) => e.timestamp)).toEqual([0, 1000, 2000])
    expect(group?.latest.map((e) => e.timestamp)).toEqual([9_998_000, 9_999_000])
  })

  it('counts occurrences per minute', () => {
    const [group] = aggregate(
      [candidate('a', 0), candidate('a', 59_999), candidate('a', 60_000)],
      1,
      1,
    )

    const minutes = [...(group?.minutes ?? [])].map(([key, n]) => [minuteStart(key), n])
    expect(minutes).toEqual([
      [0, 2],
      [60_000, 1],
    ])
  })
})
