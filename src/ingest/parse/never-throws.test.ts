import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { LEVELS, type LogEvent } from '../event.js'
import type { Line } from '../line.js'

import { FORMATS, createAssembler } from './index.js'

// Text that looks like the formats, broken at random, besides arbitrary Unicode and bytes.
const fragments = fc.constantFrom(
  '{',
  '}',
  '"level":',
  '"msg":"',
  '\\"',
  '<13>1 ',
  '<191>',
  'Dec  3 13:58:26 ',
  '2024-12-03T13:58:26.123Z ',
  '2024/12/03 13:58:26 [error] 1#1: ',
  '[Tue Dec 03 13:58:26.1 2024] [core:error] ',
  '10.0.0.1 - - [03/Dec/2024:13:58:26 +0000] "GET / HTTP/1.1" 500 1',
  'level=',
  'ts=',
  '="',
  'E, [',
  'E1203 13:58:26.1 1 a.go:1] ',
  'ERROR:root:',
  ' ERROR ',
  '[main] ',
  ' - ',
  '\tat x.Y(Z.java:1)',
  'Traceback (most recent call last):',
  '  File "x.py", line 1',
  'panic: ',
  'goroutine 1 [running]:',
  'Caused by: ',
  '    ^',
  '\u0000',
  '\ufffd',
  '\u001b[31m',
  '<script>',
)
const hostile = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(fragments, { maxLength: 12 }).map((parts) => parts.join('')),
  fc
    .tuple(fc.array(fragments, { maxLength: 6 }), fc.string({ maxLength: 40 }))
    .map(([parts, tail]) => parts.join('') + tail),
)

function toLines(texts: readonly string[]): Line[] {
  let offset = 0

  return texts.map((text, i) => {
    const line = {
      text,
      offset,
      end: offset + text.length + 1,
      number: i + 1,
      truncated: false,
      partial: false,
    }
    offset = line.end

    return line
  })
}

function touch(event: LogEvent): void {
  const json = JSON.parse(JSON.stringify(event)) as LogEvent
  expect(LEVELS).toContain(event.level)
  expect(Number.isFinite(event.timestamp)).toBe(true)
  expect(typeof event.message).toBe('string')
  expect(typeof event.service).toBe('string')
  expect(event.end).toBeGreaterThan(event.offset)
  expect(json.format).toBe(event.format)
}

describe('parsing never throws', () => {
  it('scans and parses any line with every format without throwing', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        for (const format of FORMATS) {
          const level = format.scan(text)
          if (level !== undefined) expect(LEVELS).toContain(level)
          format.parse(text, 0)
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('assembles any sequence of lines into well-formed events, each line in at most one', () => {
    fc.assert(
      fc.property(fc.array(hostile, { maxLength: 40 }), fc.boolean(), (texts, withPattern) => {
        const assembler = createAssembler(
          { path: '/var/log/fuzz.log', ...(withPattern ? { multilineStart: /^\d/ } : {}) },
          { maxEventLines: 8 },
        )
        const out: LogEvent[] = []
        for (const line of toLines(texts)) assembler.push(line, out)
        assembler.flush(out, true)

        const firsts = out.map((event) => event.line)
        expect(new Set(firsts).size).toBe(firsts.length)
        expect(out.length).toBeLessThanOrEqual(texts.length)
        if (texts.some((text) => text.trim() !== '')) expect(out.length).toBeGreaterThan(0)
        for (const event of out) touch(event)
      }),
      { numRuns: 500 },
    )
  })

  // A backtracking regex on such a line would take hours; the suite's timeout catches it.
  it('reads 1 MiB hostile lines in every format', () => {
    const size = 1 << 20
    const lines = [
      `<1>1 - - - - - [a a="${'x'.repeat(size)}]`,
      'a.'.repeat(size / 2),
      '['.repeat(size),
      'a='.repeat(size / 2),
      `1 2 3 [${'] "'.repeat(size / 3)}`,
      `2024-12-03 13:58:26 ${'[- '.repeat(size / 3)}`,
      `{${'"a":'.repeat(size / 4)}}`,
    ]
    for (const text of lines) {
      for (const format of FORMATS) {
        format.scan(text)
        format.parse(text, 0)
      }
    }
    const [event] = (() => {
      const assembler = createAssembler({ path: 'big.log' })
      const out: LogEvent[] = []
      for (const line of toLines(lines)) assembler.push(line, out)
      assembler.flush(out, true)

      return out
    })()

    expect(event?.format).toBe('syslog5424')
    expect(JSON.stringify(event?.fields)).toContain('x'.repeat(1000))
  })
})
