import { describe, expect, it } from 'vitest'

import { registry } from '../../observability/metrics.js'
import type { LogEvent } from '../event.js'
import type { Line } from '../line.js'

import { createAssembler } from './index.js'

/** Turns text into Lines with byte offsets, as the splitter would. */
function lines(text: string, truncatedAt: number[] = []): Line[] {
  const result: Line[] = []
  let offset = 0
  text.split('\n').forEach((line, i) => {
    const end = offset + Buffer.byteLength(line) + 1
    result.push({
      text: line,
      offset,
      end,
      number: i + 1,
      truncated: truncatedAt.includes(i + 1),
      partial: false,
    })
    offset = end
  })

  return result
}

function run(text: string, settings: { format?: string; multilineStart?: RegExp } = {}) {
  const assembler = createAssembler({ path: '/var/log/orders-api.log', ...settings })
  const out: LogEvent[] = []
  for (const line of lines(text)) assembler.push(line, out)
  assembler.flush(out, true)

  return out
}

const JAVA = [
  '2024-12-03 13:58:26,123 ERROR [main] com.acme.Orders - order 7 failed',
  'java.lang.IllegalStateException: closed',
  '\tat com.acme.Orders.save(Orders.java:42)',
  'Caused by: java.io.IOException: reset',
  '\t... 3 more',
  '2024-12-03 13:58:27,000 INFO  [main] com.acme.Orders - next',
].join('\n')

describe('LineAssembler', () => {
  it('joins a Java trace under its log line into one event with the first line’s fields', () => {
    const [trace, next] = run(JAVA)

    expect(trace?.line).toBe(1)
    expect(trace?.offset).toBe(0)
    expect(trace?.end).toBe(lines(JAVA)[4]?.end)
    expect(trace?.raw.split('\n')).toHaveLength(5)
    expect(trace?.level).toBe('error')
    expect(trace?.message).toBe('order 7 failed')
    expect(trace?.service).toBe('com.acme.Orders')
    expect(next?.line).toBe(6)
  })

  it('holds the last event until the join wait has passed, then hands it on', () => {
    let now = 1_000
    const assembler = createAssembler({ path: 'a.log' }, { joinWaitMs: 500, now: () => now })
    const out: LogEvent[] = []
    for (const line of lines(JAVA).slice(0, 3)) assembler.push(line, out)

    expect(out).toHaveLength(0)
    expect(assembler.heldOffset()).toBe(0)

    now = 1_300
    assembler.flush(out, false)
    expect(out).toHaveLength(0)

    now = 1_600
    assembler.flush(out, false)
    expect(out).toHaveLength(1)
    expect(out[0]?.raw.split('\n')).toHaveLength(3)
    expect(assembler.heldOffset()).toBeNull()
  })

  it('caps the join wait at one second', () => {
    let now = 0
    const assembler = createAssembler({ path: 'a.log' }, { joinWaitMs: 60_000, now: () => now })
    const out: LogEvent[] = []
    assembler.push(lines('plain line')[0]!, out)
    now = 1_000
    assembler.flush(out, false)

    expect(out).toHaveLength(1)
  })

  it('holds JSON lines behind a plain trace they interleave with, so events leave in offset order', () => {
    const text = [
      'Error: socket hang up',
      '{"level":30,"msg":"request end"}',
      '    at connResetException (node:internal/errors:787:14)',
    ].join('\n')
    const assembler = createAssembler({ path: 'a.log' })
    const out: LogEvent[] = []
    const [first, json, frame] = lines(text)
    assembler.push(first!, out)
    assembler.push(json!, out)

    expect(out).toEqual([])
    expect(assembler.heldOffset()).toBe(0)

    assembler.push(frame!, out)
    assembler.flush(out, true)
    expect(out.map((e) => e.format)).toEqual(['plain', 'json'])
    expect(out.map((e) => e.offset)).toEqual([first!.offset, json!.offset])
    expect(out[0]?.raw).toBe(`${first?.text}\n${frame?.text}`)
    expect(out[0]?.level).toBe('error')
    expect(assembler.heldOffset()).toBeNull()
  })

  it('joins lines that do not match the source’s start pattern', () => {
    const text = ['>>> job 1 started', 'step a', 'step b', '>>> job 2 started'].join('\n')
    const events = run(text, { multilineStart: /^>>> / })

    expect(events.map((e) => e.raw.split('\n').length)).toEqual([3, 1])
  })

  it('keeps at most maxEventLines lines of one event and marks it truncated', () => {
    const text = [
      'panic: boom',
      '',
      'goroutine 1 [running]:',
      ...Array.from({ length: 50 }, () => '\tframe'),
    ].join('\n')
    const assembler = createAssembler({ path: 'a.log' }, { maxEventLines: 10 })
    const out: LogEvent[] = []
    const all = lines(text)
    for (const line of all) assembler.push(line, out)
    assembler.flush(out, true)

    expect(out).toHaveLength(1)
    expect(out[0]?.raw.split('\n')).toHaveLength(10)
    expect(out[0]?.truncated).toBe(true)
    expect(out[0]?.end).toBe(all[all.length - 1]?.end)
  })

  it('completes a line handed on as partial with its rest instead of starting an event', () => {
    const assembler = createAssembler({ path: 'a.log' })
    const out: LogEvent[] = []
    const start = {
      text: '2024-12-03 13:58:26 ERROR [main] c.a.Job - half',
      offset: 0,
      end: 47,
      number: 1,
      truncated: false,
      partial: true,
    }
    assembler.push(start, out)
    assembler.push(
      { ...start, text: ' and the rest', offset: 47, end: 61, partial: false, continuation: true },
      out,
    )
    assembler.flush(out, true)

    expect(out).toHaveLength(1)
    expect(out[0]?.raw).toBe(`${start.text} and the rest`)
    expect(out[0]?.message).toBe('half and the rest')
    expect(out[0]?.end).toBe(61)
  })

  it('marks an event whose line the splitter cut as truncated', () => {
    const assembler = createAssembler({ path: 'a.log' })
    const out: LogEvent[] = []
    assembler.push(lines('ERROR aaaa …[truncated 10 bytes]', [1])[0]!, out)
    assembler.flush(out, true)

    expect(out[0]?.truncated).toBe(true)
    expect(out[0]?.level).toBe('error')
  })

  it('skips blank lines between events and trims them from the end of an event', () => {
    const events = run(['', 'first line', '', '', 'ERROR second'].join('\n'))

    expect(events.map((e) => [e.line, e.raw])).toEqual([
      [2, 'first line'],
      [5, 'ERROR second'],
    ])
  })

  it('takes the level from the level field, not from words in the message', () => {
    const events = run(
      [
        '2024-12-03 13:58:26,123 WARN  [main] c.a.Retry - error rate high, retrying',
        '{"level":"info","message":"ERROR count is 0"}',
        'ts=2024-12-03T13:58:26Z level=debug msg="fatal flag cleared"',
      ].join('\n'),
    )

    const byLine = [...events].sort((a, b) => a.line - b.line)
    expect(byLine.map((e) => e.level)).toEqual(['warn', 'info', 'debug'])
  })

  it('reads every line with a forced format and falls back to plain text where it cannot', () => {
    const events = run(['a=1 level=error msg=x', 'not logfmt at all'].join('\n'), {
      format: 'logfmt',
    })

    expect(events.map((e) => [e.format, e.level])).toEqual([
      ['logfmt', 'error'],
      ['plain', 'info'],
    ])
  })

  it('rejects an unknown format name', () => {
    expect(() => createAssembler({ path: 'a.log', format: 'yaml' })).toThrow(
      expect.objectContaining({ code: 'PARSE_FORMAT_UNKNOWN' }),
    )
  })

  it('falls back to plain text for invalid JSON that looks like JSON, and counts it', async () => {
    const count = async () =>
      (await registry.getSingleMetric('alims_parse_fallbacks_total')?.get())?.values.find(
        (value) => value.labels.format === 'json',
      )?.value ?? 0
    const before = await count()
    const [broken] = run('{"level":"warn", "msg": oops}')

    expect(broken?.format).toBe('plain')
    expect(broken?.level).toBe('warn')
    expect(await count()).toBe(before + 1)

    const [event] = run('{"level":"error","msg":"cut off"')

    expect(event?.format).toBe('plain')
    expect(event?.message).toBe('{"level":"error","msg":"cut off"')
    expect(event?.level).toBe('error')
  })

  it('keeps HTML and control characters as text', () => {
    const text = 'ERROR <script>alert(1)</script> \u001b[31mred\u0007'
    const [event] = run(text)

    expect(event?.message).toBe(text)
    expect(event?.raw).toBe(text)
  })

  it('names the service by the event, then the source’s setting, then the file name', () => {
    const assembler = createAssembler({ path: '/var/log/app.log.1', service: 'billing' })
    const out: LogEvent[] = []
    for (const line of lines('{"service":"orders","msg":"a"}\nplain')) assembler.push(line, out)
    assembler.flush(out, true)

    expect(out.map((e) => e.service)).toEqual(['orders', 'billing'])
    expect(run('plain line')[0]?.service).toBe('orders-api')
  })

  it('uses the read time for events without a time and says so', () => {
    const assembler = createAssembler({ path: 'a.log' }, { now: () => 42_000 })
    const out: LogEvent[] = []
    assembler.push(lines('no time here')[0]!, out)
    assembler.flush(out, true, 43_000)

    expect(out[0]?.hasTimestamp).toBe(false)
    expect(out[0]?.timestamp).toBe(42_000)
  })

  it('serialises every field with JSON.stringify', () => {
    const [event] = run('ts=2024-12-03T13:58:26Z level=warn service=pay msg="slow" took=3s')
    const json = JSON.parse(JSON.stringify(event)) as Record<string, unknown>

    expect(json).toMatchObject({
      source: '/var/log/orders-api.log',
      line: 1,
      level: 'warn',
      message: 'slow',
      service: 'pay',
      format: 'logfmt',
      hasTimestamp: true,
      timestamp: Date.UTC(2024, 11, 3, 13, 58, 26),
      fields: { took: '3s', service: 'pay' },
    })
  })
})
