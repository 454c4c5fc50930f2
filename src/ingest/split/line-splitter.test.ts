import { describe, expect, it } from 'vitest'

import type { Line } from '../line.js'

import { LineSplitter, truncationMarker, type SplitIssue } from './line-splitter.js'

function split(
  chunks: (string | Buffer)[],
  options = {},
): { lines: Line[]; splitter: LineSplitter } {
  const splitter = new LineSplitter(options)
  const lines: Line[] = []
  for (const chunk of chunks)
    splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, lines, 0)

  return { lines, splitter }
}

describe('LineSplitter', () => {
  it('splits on newlines, strips a carriage return and counts offsets in bytes', () => {
    const { lines, splitter } = split(['a\r\nbé\n\nccc\n'])

    expect(lines.map((l) => [l.text, l.offset, l.end, l.number])).toEqual([
      ['a', 0, 3, 1],
      ['bé', 3, 7, 2],
      ['', 7, 8, 3],
      ['ccc', 8, 12, 4],
    ])
    expect(splitter.consumedOffset).toBe(12)
    expect(splitter.linesBefore).toBe(4)
  })

  it('holds a line without newline until its newline arrives', () => {
    const { lines, splitter } = split(['one\ntw', 'o', '\r', '\nthree'])

    expect(lines.map((l) => [l.text, l.offset, l.end])).toEqual([
      ['one', 0, 4],
      ['two', 4, 9],
    ])
    expect(splitter.consumedOffset).toBe(9)
    expect(splitter.offset).toBe(14)
    expect(splitter.isHolding).toBe(true)
  })

  it('continues offsets and line numbers from a resume point', () => {
    const { lines } = split(['x\ny\n'], { offset: 100, linesBefore: 41 })

    expect(lines.map((l) => [l.offset, l.number])).toEqual([
      [100, 42],
      [102, 43],
    ])
  })

  it('hands on a held line as partial after the idle time and then only the rest', () => {
    const splitter = new LineSplitter({ partialAfterMs: 5000 })
    const lines: Line[] = []
    splitter.push(Buffer.from('start of'), lines, 1000)
    splitter.flushIdle(lines, 5999)
    expect(lines).toEqual([])

    splitter.flushIdle(lines, 6000)
    expect(lines).toMatchObject([{ text: 'start of', offset: 0, end: 8, number: 1, partial: true }])
    expect(splitter.consumedOffset).toBe(8)

    splitter.push(Buffer.from(' line\nnext\n'), lines, 7000)
    expect(lines.slice(1)).toMatchObject([
      { text: ' line', offset: 8, end: 14, number: 1, partial: false, continuation: true },
      { text: 'next', offset: 14, end: 19, number: 2, continuation: false },
    ])
    expect(splitter.counts.partialLines).toBe(1)
  })

  it('hands on nothing for the bare newline that ends a partial line', () => {
    const splitter = new LineSplitter()
    const lines: Line[] = []
    splitter.push(Buffer.from('abc'), lines)
    splitter.flushPartial(lines)
    splitter.push(Buffer.from('\r\nd\n'), lines)

    expect(lines.map((l) => [l.text, l.number, l.offset])).toEqual([
      ['abc', 1, 0],
      ['d', 2, 5],
    ])
  })

  it('keeps an incomplete UTF-8 sequence back from a partial line', () => {
    const euro = Buffer.from('€') // e2 82 ac
    const splitter = new LineSplitter({ partialAfterMs: 0 })
    const lines: Line[] = []
    splitter.push(Buffer.concat([Buffer.from('price '), euro.subarray(0, 2)]), lines, 0)
    splitter.flushIdle(lines, 10)
    splitter.push(Buffer.concat([euro.subarray(2), Buffer.from('5\n')]), lines, 20)

    expect(lines.map((l) => [l.text, l.offset, l.end])).toEqual([
      ['price ', 0, 6],
      ['€5', 6, 11],
    ])
  })

  it('replaces invalid UTF-8 with U+FFFD without shifting offsets', () => {
    const issues: SplitIssue[] = []
    const bytes = Buffer.from([0x61, 0xff, 0x62, 0x0a, 0xc3, 0x28, 0x0a, 0x7a, 0x0a])
    const { lines, splitter } = split([bytes], { onIssue: (i: SplitIssue) => issues.push(i) })

    expect(lines.map((l) => [l.text, l.offset, l.end])).toEqual([
      ['a\uFFFDb', 0, 4],
      ['\uFFFD(', 4, 7],
      ['z', 7, 9],
    ])
    expect(splitter.counts.invalidUtf8Lines).toBe(2)
    expect(issues).toEqual([
      { reason: 'invalid_utf8', offset: 0, length: 4 },
      { reason: 'invalid_utf8', offset: 4, length: 3 },
    ])
  })

  it('decodes a multi-byte sequence split across two reads', () => {
    const text = Buffer.from('naïve 😀 ok\n')
    for (let cut = 1; cut < text.length; cut++) {
      const { lines, splitter } = split([text.subarray(0, cut), text.subarray(cut)])

      expect(lines.map((l) => l.text)).toEqual(['naïve 😀 ok'])
      expect(splitter.counts.invalidUtf8Lines).toBe(0)
    }
  })

  it('skips NUL runs and counts them', () => {
    const hole = Buffer.alloc(5000)
    const { lines, splitter } = split([
      hole.subarray(0, 3000),
      Buffer.concat([hole.subarray(3000), Buffer.from('after hole\nin\0side\n')]),
    ])

    expect(lines.map((l) => [l.text, l.offset, l.number])).toEqual([
      ['after hole', 5000, 1],
      ['inside', 5011, 2],
    ])
    expect(splitter.counts.nulBytes).toBe(5001)
  })

  it('advances past a NUL run at the end so a checkpoint may pass it', () => {
    const { lines, splitter } = split(['a\n', Buffer.alloc(100)])

    expect(lines).toHaveLength(1)
    expect(splitter.consumedOffset).toBe(102)
  })

  it('truncates a long line in one chunk with a marker at a character boundary', () => {
    const { lines, splitter } = split([`${'é'.repeat(1000)}\nshort\n`], { maxLineBytes: 1025 })

    expect(lines[0]?.text).toBe('é'.repeat(512) + truncationMarker(976))
    expect(lines[0]).toMatchObject({ truncated: true, offset: 0, end: 2001 })
    expect(lines[1]).toMatchObject({ text: 'short', offset: 2001, truncated: false })
    expect(splitter.counts).toMatchObject({ truncatedLines: 1, truncatedBytes: 976 })
  })

  it('truncates a 10 MB line read in chunks while holding at most the limit', () => {
    const splitter = new LineSplitter({ maxLineBytes: 1024 * 1024 })
    const lines: Line[] = []
    const chunk = Buffer.alloc(64 * 1024, 'x')
    for (let i = 0; i < 160; i++) splitter.push(chunk, lines)
    splitter.push(Buffer.from('\r\nnext\n'), lines)

    expect(lines).toHaveLength(2)
    expect(lines[0]?.text).toBe(
      'x'.repeat(1024 * 1024) + truncationMarker(10 * 1024 * 1024 - 1024 * 1024),
    )
    expect(lines[0]).toMatchObject({ offset: 0, end: 10 * 1024 * 1024 + 2, truncated: true })
    expect(lines[1]).toMatchObject({ text: 'next', offset: 10 * 1024 * 1024 + 2, number: 2 })
  })

  it('does not count a carriage return at the limit as truncation', () => {
    const { lines } = split(['abcd', '\r\n'], { maxLineBytes: 4 })

    expect(lines[0]).toMatchObject({ text: 'abcd', truncated: false })
  })

  it('hands on the same lines whatever the chunk boundaries', () => {
    const text = Buffer.from('alpha\r\nbéta\n\u0000\u0000gamma\ndelta\xff\nlast\n', 'latin1')
    const whole = split([text]).lines
    for (let cut = 0; cut <= text.length; cut++) {
      const { lines } = split([text.subarray(0, cut), text.subarray(cut)])

      expect(lines).toEqual(whole)
    }
  })

  it('splits valid UTF-8 and over-long lines alike whatever the chunk boundaries', () => {
    const text = Buffer.from(`héllo wörld\r\n${'ü'.repeat(40)}\nplain\n\nzürich 😀\n`)
    const whole = split([text], { maxLineBytes: 32 }).lines
    expect(whole.map((l) => l.truncated)).toEqual([false, true, false, false, false])
    for (let cut = 0; cut <= text.length; cut++) {
      const { lines } = split([text.subarray(0, cut), text.subarray(cut)], { maxLineBytes: 32 })

      expect(lines).toEqual(whole)
    }
  })
})
