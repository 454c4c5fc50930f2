import { describe, expect, it } from 'vitest'

import type { LogEvent } from '../event.js'
import { defaultRuleSet } from '../classify/default-rules.js'
import { MAX_TEMPLATE_INPUT } from './mask.js'
import { group } from './grouper.js'

function event(raw: string, message = raw): LogEvent {
  return {
    source: 'x.log',
    offset: 0,
    end: raw.length,
    line: 1,
    timestamp: 0,
    hasTimestamp: false,
    level: 'error',
    message,
    service: 'svc',
    format: 'unknown',
    fields: {},
    raw,
  }
}

describe('grouping and classifying hostile input', () => {
  it('bounds the template of a 10 MB line and still tells two such lines apart by their start', () => {
    const tail = 'x'.repeat(10 * 1024 * 1024)
    const a = group(event(`disk full on node 7 ${tail}`))
    const b = group(event(`disk full on node 9 ${tail}y`))
    const c = group(event(`queue stalled ${tail}`))
    expect(a.template.length).toBeLessThanOrEqual(MAX_TEMPLATE_INPUT)
    expect(b.fingerprint).toBe(a.fingerprint)
    expect(c.fingerprint).not.toBe(a.fingerprint)
    expect(defaultRuleSet().classify(event(`job failed ${tail}`)).severity).toBe('HIGH')
  })

  it('handles a 10 MB JSON line and a 10 MB multi-line record', () => {
    const json = `{"msg":"boom","pad":"${'a'.repeat(10 * 1024 * 1024)}"}`
    expect(group(event(json)).template.length).toBeLessThanOrEqual(MAX_TEMPLATE_INPUT)
    const lines = `Error: boom\n${'    at f (/app/a.js:1:1)\n'.repeat(300_000)}`
    expect(group(event(lines, 'Error: boom')).template).toBe('Error at f@a.js < f@a.js < f@a.js')
  })

  it('keeps replacement characters, control characters and markup as inert text', () => {
    const text = 'bad \uFFFD\uFFFD bytes \u0000\u001b[31m <script>alert(1)</script> id 42'
    const { template } = group(event(text))
    expect(template).toBe(
      'bad \uFFFD\uFFFD bytes \uFFFD\uFFFD[<DUR> <script>alert(<NUM>)</script> id <NUM>',
    )
    expect(group(event(text.replace('42', '43'))).template).toBe(template)
  })

  it('survives unbalanced quotes, brackets and separators', () => {
    for (const text of [
      '"unterminated',
      "'",
      '[[[[',
      '=====',
      'a=',
      '://',
      '@@@',
      '/',
      '<34>',
      '{"msg":',
    ]) {
      expect(typeof group(event(text)).fingerprint).toBe('string')
    }
  })
})
