import { describe, expect, it } from 'vitest'

import type { LogEvent } from '../event.js'
import { messageText } from './message-text.js'
import { stripPrefix } from './strip-prefix.js'

function raw(line: string, overrides: Partial<LogEvent> = {}): LogEvent {
  return {
    source: 'a.log',
    offset: 0,
    end: line.length + 1,
    line: 1,
    timestamp: 0,
    hasTimestamp: false,
    level: 'info',
    message: line,
    service: 'svc',
    format: 'unknown',
    fields: {},
    raw: line,
    ...overrides,
  }
}

describe('stripPrefix', () => {
  it.each([
    [
      '2026-01-01 11:00:00,123 ERROR [main] com.acme.Orders - Failed to process',
      'com.acme.Orders - Failed to process',
    ],
    ['2026-01-01T11:00:00.123Z [error] worker 3: queue stalled', 'worker 3: queue stalled'],
    ['[2026-01-01T11:00:00Z] WARN: disk low', 'disk low'],
    ['Jan  1 11:00:00 web01 sshd[1234]: Failed password', 'sshd[1234]: Failed password'],
    ['<34>Jan  1 11:00:00 web01 su: session opened', 'su: session opened'],
    [
      '<34>1 2003-10-11T22:14:15.003Z host.example.com su 123 ID47 - failed for x',
      'su: failed for x',
    ],
    ['<34>1 2003-10-11T22:14:15Z h app - - [meta a="1" b="]"] started', 'app: started'],
    [
      '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 5',
      '"GET /a HTTP/1.0" 200 5',
    ],
    [
      '2026-01-01 11:00:00,123 - app.db - ERROR - connection lost',
      'app.db - ERROR - connection lost',
    ],
    ['E0101 11:00:00.123456    1 reflector.go:42] watch failed', 'reflector.go:42] watch failed'],
    ['null values found', 'null values found'],
    ['Got 5 retries', 'Got 5 retries'],
    ['ERROR', 'ERROR'],
  ])('strips %j to %j', (line, message) => {
    expect(stripPrefix(line)).toBe(message)
  })
})

describe('messageText', () => {
  it('uses the message a parser found', () => {
    const event = raw('{"msg":"x"}', {
      message: '2026-01-01 ERROR connection lost',
      format: 'json',
    })
    expect(messageText(event)).toBe('connection lost')
  })

  it('finds the message in a raw JSON line', () => {
    expect(
      messageText(raw('{"level":"ERROR","message":"null values found","job_id":"JOB1"}')),
    ).toBe('null values found')
    expect(messageText(raw('{"time":1,"msg":"boom"}'))).toBe('boom')
    expect(messageText(raw('{"no":"message"}'))).toBe('{"no":"message"}')
    expect(messageText(raw('{not json}'))).toBe('{not json}')
  })

  it('finds the message in a raw logfmt line', () => {
    expect(
      messageText(raw('time=2026-01-01T11:00:00Z level=error msg="db \\"main\\" down" id=4')),
    ).toBe('db "main" down')
    expect(messageText(raw('level=warn msg=slow took=3s'))).toBe('slow')
    expect(messageText(raw('upload failed message=quota'))).toBe('upload failed message=quota')
  })

  it('uses the first line of a multi-line record', () => {
    expect(messageText(raw('2026-01-01 ERROR first\nsecond'))).toBe('first')
  })
})
