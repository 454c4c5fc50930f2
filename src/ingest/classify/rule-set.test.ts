import { describe, expect, it } from 'vitest'

import type { LogEvent } from '../event.js'
import { defaultRuleSet } from './default-rules.js'
import { parseRules } from './parse-rules.js'
import { createAssembler } from '../parse/index.js'
import { RuleSet } from './rule-set.js'

function event(overrides: Partial<LogEvent> = {}): LogEvent {
  return {
    source: '/var/log/app/app.log',
    offset: 0,
    end: 10,
    line: 1,
    timestamp: Date.UTC(2026, 0, 1, 11),
    hasTimestamp: true,
    level: 'info',
    message: 'all good',
    service: 'app',
    format: 'json',
    fields: {},
    raw: '{}',
    ...overrides,
  }
}

function rules(yaml: string): RuleSet {
  return new RuleSet(parseRules(yaml, 'rules.yaml'), 'rules.yaml')
}

describe('RuleSet', () => {
  it('matches a minimum level and an exact level', () => {
    const set = rules(`rules:
  - { name: exact-warn, level: warn, severity: LOW }
  - { name: min-error, minLevel: error, severity: HIGH }
`)
    expect(set.classify(event({ level: 'warn' })).rule).toBe('exact-warn')
    expect(set.classify(event({ level: 'error' })).severity).toBe('HIGH')
    expect(set.classify(event({ level: 'fatal' })).rule).toBe('min-error')
    expect(set.classify(event({ level: 'info' })).severity).toBeNull()
  })

  it('matches a list of exact levels', () => {
    const set = rules(`rules:
  - { name: some, level: [debug, warn], severity: LOW }
`)
    expect(set.classify(event({ level: 'debug' })).rule).toBe('some')
    expect(set.classify(event({ level: 'warn' })).rule).toBe('some')
    expect(set.classify(event({ level: 'info' })).rule).toBeNull()
  })

  it('matches whole words case-insensitively, phrases included', () => {
    const set = rules(`rules:
  - { name: w, words: [failed, connection refused], severity: MEDIUM }
`)
    expect(set.classify(event({ message: 'Job FAILED after retry' })).rule).toBe('w')
    expect(set.classify(event({ message: 'connection   Refused by peer' })).rule).toBe('w')
    expect(set.classify(event({ message: 'unfailed jobs: 0' })).rule).toBeNull()
    expect(set.classify(event({ message: 'failedover' })).rule).toBeNull()
  })

  it('matches a message regex, case-insensitive by default and sensitive with (?-i)', () => {
    const set = rules(`rules:
  - { name: sensitive, regex: '(?-i)^OOM killed', severity: HIGH }
  - { name: insensitive, regex: 'disk (full|quota)', severity: MEDIUM }
`)
    expect(set.classify(event({ message: 'OOM killed pid 4' })).rule).toBe('sensitive')
    expect(set.classify(event({ message: 'oom killed pid 4' })).rule).toBeNull()
    expect(set.classify(event({ message: 'DISK FULL on /data' })).rule).toBe('insensitive')
  })

  it('runs a pattern that backtracking engines choke on in linear time', () => {
    const set = rules(`rules:
  - { name: nested, regex: '^(a+)+$', severity: LOW }
`)
    expect(set.classify(event({ message: `${'a'.repeat(50_000)}!` })).rule).toBeNull()
    expect(set.classify(event({ message: 'a'.repeat(50_000) })).rule).toBe('nested')
  })

  it('matches services, formats and source globs', () => {
    const set = rules(`rules:
  - { name: svc, service: [billing, payments], severity: HIGH }
  - { name: fmt, format: syslog, severity: MEDIUM }
  - { name: path, source: '/var/log/nginx/**', severity: LOW }
  - { name: base, source: 'audit-*.log', severity: LOW }
`)
    expect(set.classify(event({ service: 'payments' })).rule).toBe('svc')
    expect(set.classify(event({ format: 'syslog' })).rule).toBe('fmt')
    expect(set.classify(event({ source: '/var/log/nginx/a/error.log' })).rule).toBe('path')
    expect(set.classify(event({ source: '/srv/x/audit-2026.log' })).rule).toBe('base')
    expect(set.classify(event({ source: '/var/log/app.log' })).rule).toBeNull()
  })

  it('matches fields by equality, list, regex and dotted path', () => {
    const set = rules(`rules:
  - { name: eq, fields: { status: 503 }, severity: HIGH }
  - { name: any, fields: { env: [prod, staging] }, severity: MEDIUM }
  - { name: re, fields: { job_id: { regex: '^JOB1[0-9]{2}$' } }, severity: LOW }
  - { name: nested, fields: { http.method: DELETE }, severity: LOW }
  - { name: bool, fields: { retry: false }, severity: LOW }
`)
    expect(set.classify(event({ fields: { status: 503 } })).rule).toBe('eq')
    expect(set.classify(event({ fields: { status: '503' } })).rule).toBe('eq')
    expect(set.classify(event({ fields: { env: 'staging' } })).rule).toBe('any')
    expect(set.classify(event({ fields: { job_id: 'job101' } })).rule).toBe('re')
    expect(set.classify(event({ fields: { http: { method: 'DELETE' } } })).rule).toBe('nested')
    expect(set.classify(event({ fields: { retry: false } })).rule).toBe('bool')
    expect(set.classify(event({ fields: { status: { code: 503 } } })).rule).toBeNull()
    expect(set.classify(event({ fields: {} })).rule).toBeNull()
  })

  it('requires every condition of a rule and takes the first matching rule', () => {
    const set = rules(`rules:
  - { name: both, service: db, words: [deadlock], severity: HIGH }
  - { name: later, words: [deadlock], severity: LOW }
`)
    expect(set.classify(event({ service: 'db', message: 'deadlock found' })).rule).toBe('both')
    expect(set.classify(event({ service: 'web', message: 'deadlock found' })).rule).toBe('later')
  })

  it('returns ignore, tags, title and the ticket opt-out', () => {
    const set = rules(`rules:
  - { name: noise, words: [healthz], severity: ignore }
  - { name: t, minLevel: error, severity: high, tags: [db, pager], title: Database down, ticket: false }
`)
    expect(set.classify(event({ level: 'error', message: 'GET /healthz' }))).toEqual({
      severity: null,
      ignored: true,
      rule: 'noise',
      tags: [],
      title: null,
      noTicket: false,
    })
    expect(set.classify(event({ level: 'error', message: 'x' }))).toEqual({
      severity: 'HIGH',
      ignored: false,
      rule: 't',
      tags: ['db', 'pager'],
      title: 'Database down',
      noTicket: true,
    })
  })

  it('names unnamed rules by position', () => {
    const set = rules(`rules:
  - { level: fatal, severity: HIGH }
`)
    expect(set.classify(event({ level: 'fatal' })).rule).toBe('rule 1')
  })

  it('reports the lowest level and the levels at which messages are read', () => {
    const set = rules(`rules:
  - { minLevel: warn, words: [disk], severity: LOW }
  - { minLevel: error, severity: HIGH }
`)
    expect(set.minLevel).toBe('warn')
    expect(set.canMatch('info')).toBe(false)
    expect(set.canMatch('warn')).toBe(true)
    expect(set.readsMessage('warn')).toBe(true)
    expect(rules('rules: []\n').minLevel).toBeNull()
    expect(rules(`rules:\n  - { service: x, severity: LOW }\n`).minLevel).toBe('trace')
  })
})

describe('built-in rules', () => {
  const set = defaultRuleSet()

  it('makes error and fatal HIGH, failure words MEDIUM and warn LOW', () => {
    expect(set.classify(event({ level: 'error', message: 'Failed to connect' })).severity).toBe(
      'HIGH',
    )
    expect(set.classify(event({ level: 'fatal' })).severity).toBe('HIGH')
    expect(set.classify(event({ level: 'info', message: 'request Timeout' })).severity).toBe(
      'MEDIUM',
    )
    expect(set.classify(event({ level: 'warn', message: 'retry after timeout' })).severity).toBe(
      'MEDIUM',
    )
    expect(set.classify(event({ level: 'warn', message: 'disk at 80%' })).severity).toBe('LOW')
    expect(set.classify(event({ level: 'info', message: 'started' })).severity).toBeNull()
    expect(
      set.classify(event({ level: 'debug', message: 'timeout set to 5s' })).severity,
    ).toBeNull()
  })

  it('makes access-log 5xx HIGH and other requests no incident', () => {
    const access = (status: number, level: LogEvent['level']): LogEvent =>
      event({ format: 'access', level, message: 'GET /api/timeout', fields: { status } })
    expect(set.classify(access(503, 'info'))).toMatchObject({
      severity: 'HIGH',
      rule: 'access-5xx',
    })
    expect(set.classify(access(500, 'error')).rule).toBe('access-5xx')
    expect(set.classify(access(404, 'warn'))).toMatchObject({ severity: null, ignored: true })
    expect(set.classify(access(200, 'info')).severity).toBeNull()
  })

  it('classifies the prototype sample: errors HIGH, a warning LOW', () => {
    const line = (level: string, message: string, job: string): LogEvent =>
      event({
        level: level === 'ERROR' ? 'error' : 'warn',
        message,
        service: 'delivery',
        fields: { level, source: 'delivery', job_id: job },
      })
    for (const message of ['Failed to connect to server', 'null values found', 'file missing']) {
      expect(set.classify(line('ERROR', message, 'JOB101')).severity).toBe('HIGH')
    }
    expect(set.classify(line('WARN', 'null values found', 'JOB101')).severity).toBe('LOW')
  })
})

describe('RuleSet on parsed events', () => {
  // Events as the worker makes them: only what a rule needs is parsed.
  function parsed(line: string): LogEvent[] {
    const out: LogEvent[] = []
    const assembler = createAssembler({ path: '/var/log/app/app.log' })
    assembler.push(
      { text: line, offset: 0, end: line.length + 1, number: 1, truncated: false, partial: false },
      out,
    )
    assembler.flush(out, true)

    return out
  }

  it('finds words spelled with JSON escapes and in the last line of a Python trace', () => {
    const set = rules('rules:\n  - { name: w, words: [failed], severity: MEDIUM }\n')
    const [escaped] = parsed('{"level":"info","msg":"job \\u0066ailed"}')
    const [plain] = parsed('{"level":"info","msg":"job done"}')

    expect(escaped?.message).toBe('job failed')
    expect(set.classify(escaped!).rule).toBe('w')
    expect(set.classify(plain!).rule).toBeNull()
  })

  it('gives a record that its detected format cannot read the plain format', () => {
    const set = rules('rules:\n  - { name: p, format: plain, minLevel: error, severity: HIGH }\n')
    // Looks like JSON to the scan (a level key) but is not: read as plain text.
    const [broken] = parsed('{"level":"error", oops')

    expect(broken?.format).toBe('plain')
    expect(set.classify(broken!).rule).toBe('p')
  })
})
