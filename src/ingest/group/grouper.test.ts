import { describe, expect, it } from 'vitest'

import type { LogEvent } from '../event.js'
import { fingerprintOf } from './fingerprint.js'
import { EMPTY_TEMPLATE, Grouper, group, templateOf } from './grouper.js'

function event(overrides: Partial<LogEvent> = {}): LogEvent {
  return {
    source: '/var/log/app.log',
    offset: 0,
    end: 1,
    line: 1,
    timestamp: 0,
    hasTimestamp: false,
    level: 'error',
    message: 'm',
    service: 'app',
    format: 'plain',
    fields: {},
    raw: 'm',
    ...overrides,
  }
}

// The prototype's sample: nine JSON lines; the job id is a field, not part of the message.
const SAMPLE: [string, string][] = [
  ['Failed to connect to server', 'JOB111'],
  ['Failed to connect to server', 'JOB101'],
  ['null values found', 'JOB101'],
  ['null values found', 'JOB101'],
  ['null values found', 'JOB101'],
  ['null values found', 'JOB101'],
  ['null values found', 'JOB102'],
  ['file missing', 'JOB101'],
  ['file missing', 'JOB101'],
]

function sampleEvent([message, job]: [string, string], parsed: boolean, index: number): LogEvent {
  const record = {
    timestamp: `2026-01-01T11:0${index}:00Z`,
    level: 'ERROR',
    source: 'delivery',
    message,
    job_id: job,
  }
  const raw = JSON.stringify(record)

  return event({
    service: 'delivery',
    format: parsed ? 'json' : 'unknown',
    message: parsed ? message : raw,
    fields: parsed ? record : {},
    raw,
    offset: index * 100,
  })
}

describe('group', () => {
  it('gives the prototype sample exactly three fingerprints, parsed or raw', () => {
    for (const parsed of [true, false]) {
      const groupings = SAMPLE.map((line, i) => group(sampleEvent(line, parsed, i)))
      const counts = new Map<string, number>()
      for (const g of groupings) counts.set(g.template, (counts.get(g.template) ?? 0) + 1)

      expect(Object.fromEntries(counts)).toEqual({
        'Failed to connect to server': 2,
        'null values found': 5,
        'file missing': 2,
      })
      expect(new Set(groupings.map((g) => g.fingerprint)).size).toBe(3)
    }
  })

  it('keeps fingerprints stable across releases and processes', () => {
    // Pinned: a change here splits every open incident in two. See docs/decisions/002-fingerprints.md.
    expect(fingerprintOf('delivery', 'null values found')).toBe('53872370dc3361b3f5e6')
    expect(group(sampleEvent(SAMPLE[2]!, true, 0)).fingerprint).toBe(
      fingerprintOf('delivery', 'null values found'),
    )
  })

  it('separates services with the same template', () => {
    const a = group(event({ service: 'a', message: 'boom', raw: 'boom' }))
    const b = group(event({ service: 'b', message: 'boom', raw: 'boom' }))
    expect(a.template).toBe(b.template)
    expect(a.fingerprint).not.toBe(b.fingerprint)
  })

  it('puts one message with varying values into one group across formats', () => {
    const lines = [
      '{"level":"error","msg":"connect to 10.0.0.1:5432 failed after 250ms","req":"a1"}',
      '{"level":"error","msg":"connect to 10.9.8.7:6379 failed after 1.5s","req":"b2"}',
      'time=2026-01-01T11:00:00Z level=error msg="connect to 192.168.0.1:3306 failed after 3s"',
      '2026-01-01 11:00:00,123 ERROR [pool-1-thread-3] connect to 172.16.0.9:5432 failed after 12ms',
      'Jan  1 11:00:00 web01 connect to 10.1.1.1:5432 failed after 99ms',
      '[2026-01-02T08:00:00Z] ERROR: connect to 10.2.2.2:1 failed after 1m30s',
    ]
    const templates = new Set(
      lines.map((raw) => templateOf(event({ format: 'unknown', message: raw, raw }))),
    )
    expect([...templates]).toEqual(['connect to <IP>:<NUM> failed after <DUR>'])
  })

  it('keeps different messages of one format apart', () => {
    const lines = [
      'file missing',
      'file corrupted',
      'null values found',
      'Failed to connect to server',
      'Failed to parse /etc/a.yaml',
    ]
    const fingerprints = new Set(
      lines.map((raw) => group(event({ format: 'unknown', message: raw, raw })).fingerprint),
    )
    expect(fingerprints.size).toBe(lines.length)
  })

  it('groups stack traces by exception and frames, not by their text', () => {
    const trace = (line: number, id: number): string =>
      `Error: order ${id} not found\n    at find (/app/src/orders.js:${line}:9)\n    at main (/app/src/index.js:${line + 2}:1)`
    const a = group(event({ message: `Error: order 1 not found`, raw: trace(10, 1) }))
    const b = group(event({ message: `Error: order 2 not found`, raw: trace(55, 2) }))
    expect(a.template).toBe('Error at find@orders.js < main@index.js')
    expect(b.fingerprint).toBe(a.fingerprint)
  })

  it('finds a stack trace in a structured field', () => {
    const stack = 'TypeError: x is undefined\n    at run (/app/job.js:3:1)'
    expect(templateOf(event({ message: 'job crashed', fields: { err: { stack } } }))).toBe(
      'TypeError at run@job.js',
    )
    expect(templateOf(event({ message: 'job crashed', fields: { stack_trace: stack } }))).toBe(
      'TypeError at run@job.js',
    )
  })

  it('names an empty message', () => {
    expect(templateOf(event({ message: '', raw: '' }))).toBe(EMPTY_TEMPLATE)
  })
})

describe('Grouper', () => {
  it('agrees with the pure grouping and adds a Drain pattern', () => {
    const grouper = new Grouper()
    const events = ['user alice logged in', 'user alice logged out', 'disk full'].map((raw) =>
      event({ message: raw, raw }),
    )
    const groupings = events.map((e) => grouper.group(e))

    expect(groupings.map(({ template, fingerprint }) => ({ template, fingerprint }))).toEqual(
      events.map(group),
    )
    expect(groupings.map((g) => g.pattern)).toEqual([
      'user alice logged in',
      'user alice logged <*>',
      'disk full',
    ])
  })

  it('leaves the pattern out when Drain is off and forgets past its cache size', () => {
    const grouper = new Grouper({ drain: false, cacheSize: 1 })
    const a = grouper.group(event({ message: 'a', raw: 'a' }))
    grouper.group(event({ message: 'b', raw: 'b' }))
    expect(a.pattern).toBeUndefined()
    expect(grouper.group(event({ message: 'a', raw: 'a' }))).toEqual(a)
  })

  it('bounds its Drain clusters over all services', () => {
    const grouper = new Grouper({ maxClusters: 3 })
    const add = (service: string, raw: string): void => {
      grouper.group(event({ service, message: raw, raw }))
    }
    add('s1', 'a one')
    add('s2', 'b two')
    add('s2', 'b two')
    add('s3', 'c three')
    expect(grouper.clusterCount).toBe(3)
    add('s4', 'd four')
    expect(grouper.clusterCount).toBe(0)
    add('s1', 'a one')
    expect(grouper.clusterCount).toBe(1)
  })

  it('fingerprints long templates without caching them', () => {
    const grouper = new Grouper({ drain: false })
    const long = `boom ${'word '.repeat(200)}`
    expect(grouper.group(event({ message: long, raw: long }))).toEqual(
      group(event({ message: long, raw: long })),
    )
  })
})
