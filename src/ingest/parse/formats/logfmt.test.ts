import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { logfmtFormat, parsePairs } from './logfmt.js'

// Quoted values read one character at a time, as the format defines them.
function quotedByChar(line: string, from: number): [string, number] {
  let value = ''
  let i = from
  while (i < line.length && line.charAt(i) !== '"') {
    if (line.charAt(i) === '\\' && i + 1 < line.length) {
      const next = line.charAt(i + 1)
      value += next === 'n' ? '\n' : next === 't' ? '\t' : next
      i += 2
    } else {
      value += line.charAt(i)
      i += 1
    }
  }

  return [value, i + 1]
}

describe('logfmtFormat', () => {
  it('reads quoted values with escapes and bare keys', () => {
    expect(parsePairs('a=1 msg="say \\"hi\\"\\nthen go" flag path=/x')).toEqual({
      a: '1',
      msg: 'say "hi"\nthen go',
      flag: true,
      path: '/x',
    })
  })

  it('reads quoted values up to an unescaped quote or the end of the line', () => {
    expect(parsePairs('a="x y" b="\\"" c="open')).toEqual({ a: 'x y', b: '"', c: 'open' })
    expect(parsePairs('a="" b="q\\\\" c=1')).toEqual({ a: '', b: 'q\\', c: '1' })
    expect(parsePairs('msg="no escape" path="C:\\\\tmp"')).toEqual({
      msg: 'no escape',
      path: 'C:\\tmp',
    })
  })

  it('reads every quoted value as a character-by-character reading does', () => {
    const piece = fc.constantFrom('a', ' ', '=', '"', '\\', 'n', 't', 'é')
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        const line = `k="${pieces.join('')}`
        const [value, next] = quotedByChar(line, 3)
        const rest = line.slice(next)
        const fields = parsePairs(line)
        expect(fields.k).toBe(value)
        expect(fields).toEqual({ ...parsePairs(rest), k: value })
      }),
      { numRuns: 500 },
    )
  })

  it('takes the level from level, lvl, severity or Heroku’s at', () => {
    expect(logfmtFormat.scan('t=1 lvl=eror msg=x')).toBe('error')
    expect(logfmtFormat.scan('at=warning code=H27')).toBe('warn')
    expect(logfmtFormat.scan('ts=1 msg="level=error inside" level=info')).toBe('info')
  })

  it('rejects lines that do not start with a key and value pair', () => {
    expect(logfmtFormat.scan('hello world=1')).toBeUndefined()
    expect(logfmtFormat.scan('key=value alone')).toBeUndefined()
  })

  it('reads time, message and service', () => {
    expect(
      logfmtFormat.parse('time="2024-12-03T13:58:26Z" level=error msg="db down" app=ledger', 0),
    ).toMatchObject({
      timestamp: Date.UTC(2024, 11, 3, 13, 58, 26),
      message: 'db down',
      service: 'ledger',
    })
  })
})
