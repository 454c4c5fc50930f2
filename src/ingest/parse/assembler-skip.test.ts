import { describe, expect, it } from 'vitest'

import type { LogEvent } from '../event.js'
import type { EventAssembler, Line } from '../line.js'

import { createAssembler } from './index.js'

/**
 * Pushes each line of `text` except the last, then offers the last one to `skip` as the
 * splitter hands on a gated line: without its text, its bytes in the read at hand.
 */
function skipLast(text: string, settings: { format?: string; multilineStart?: RegExp } = {}) {
  const assembler: EventAssembler = createAssembler({ path: 'a.log', ...settings })
  const bytes = Buffer.from(`${text}\n`)
  const texts = text.split('\n')
  const out: LogEvent[] = []
  let offset = 0
  for (const [i, line] of texts.entries()) {
    const end = offset + Buffer.byteLength(line) + 1
    const base = { offset, end, number: i + 1, truncated: false, partial: false }
    if (i < texts.length - 1) {
      assembler.push({ ...base, text: line }, out)
    } else {
      const gated: Line = { ...base, text: '', gated: true }
      const skipped = assembler.skip(gated, out, bytes, offset)

      return { skipped, out, held: assembler.heldOffset() }
    }
    offset = end
  }
  throw new Error('no line to skip')
}

describe('LineAssembler.skip', () => {
  it('passes over a line after an ordinary record, which stays held', () => {
    expect(skipLast('ts=1 level=info msg=a\nts=2 level=info msg=b')).toEqual({
      skipped: true,
      out: [],
      held: 0,
    })
  })

  it('hands on a held warning that the line ends, then passes over the line', () => {
    const { skipped, out, held } = skipLast('2024-12-03 08:00:00 WARN slow query\nnext record')

    expect(skipped).toBe(true)
    expect(out.map((event) => [event.offset, event.level])).toEqual([[0, 'warn']])
    expect(held).toBeNull()
  })

  it('hands on a held trace that the line ends', () => {
    const text = [
      '2024-12-03 08:00:00 ERROR boom',
      'java.lang.IllegalStateException: closed',
      '\tat com.acme.A.b(A.java:1)',
      'next record',
    ].join('\n')
    const { skipped, out, held } = skipLast(text)

    expect(skipped).toBe(true)
    expect(out.map((event) => [event.offset, event.raw.split('\n').length])).toEqual([[0, 3]])
    expect(held).toBeNull()
  })

  it('passes over a JSON record behind a held warning without ending it', () => {
    const { skipped, out, held } = skipLast('2024-12-03 08:00:00 WARN slow\n{"level":30} \r')

    expect([skipped, out.length, held]).toEqual([true, 0, 0])
  })

  it('leaves to be read the lines that a held event could still take', () => {
    const cases = [
      // A Python traceback takes its last line, whatever it says.
      'Traceback (most recent call last):\n  File "a.py", line 1, in b\nKeyboardInterrupt',
      // A trace may go on with Ruby frames, or end with the Node.js version.
      'java.lang.IllegalStateException: closed\n\tat A.b(A.java:1)\napp/a.rb:3:in `b`',
      'java.lang.IllegalStateException: closed\n\tat A.b(A.java:1)\nNode.js v20.1.0',
      // A Ruby record may be followed by its frames, unindented.
      'E, [2024-12-03T08:00:00.1 #1] ERROR -- a: x\nnext record',
      'I, [2024-12-03T08:00:00.1 #1]  INFO -- a: x\nnext record',
      // A warning must not be ended by a line that would be held in its place as Ruby's.
      '2024-12-03 08:00:00 WARN slow\nI, [2024-12-03T08:00:00.1 #1]  INFO -- a: x',
    ]
    for (const text of cases) expect(skipLast(text).skipped, text).toBe(false)
  })

  it('leaves every line to be read under a start pattern of the source', () => {
    expect(skipLast('a\nb', { multilineStart: /^\d/ }).skipped).toBe(false)
  })

  it('reads a line that starts with a brace as the forced format does', () => {
    const text = '2024-12-03 08:00:00 WARN slow\n{"level":30}'

    expect(skipLast(text, { format: 'json' }).out).toEqual([])
    expect(skipLast(text, { format: 'layout' }).out.map((event) => event.level)).toEqual(['warn'])
  })
})
