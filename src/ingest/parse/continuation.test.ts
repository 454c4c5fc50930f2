import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { continues, type HeldTrace, type TraceState } from './continuation.js'

function held(state: TraceState): HeldTrace {
  return { state, lines: 2, isAlarm: true, head: 'x', format: 'plain' }
}

describe('continues, on indented lines', () => {
  it('tells frames, carets and blank lines apart', () => {
    expect(continues('\tat com.acme.A.b(A.java:1)', held('none'), false)).toEqual({
      continues: true,
      state: 'trace',
      isTrace: true,
    })
    expect(continues('    ^', held('trace'), false).state).toBe('node-caret')
    expect(continues(' \t ', held('python'), false)).toEqual({
      continues: true,
      state: 'python',
      isTrace: false,
    })
    expect(continues('  /srv/a.go:12 +0x1d', held('go'), false).isTrace).toBe(true)
    expect(continues('  just text', held('none'), false).isTrace).toBe(false)
  })

  it('reads a line indented with any white space as one indented with a space', () => {
    const indent = fc.constantFrom(' ', '\t', '\u00a0', '\u2003', '\v', '\ufeff')
    const body = fc.constantFrom('', 'at a(b.js:1)', '^', '^ x', 'File "a.py"', '/a.go:1', 'é', 'x')
    const state = fc.constantFrom<TraceState>('none', 'trace', 'python', 'go', 'node-caret')
    fc.assert(
      fc.property(fc.array(indent, { minLength: 1, maxLength: 4 }), body, state, (ws, b, s) => {
        const text = ` ${ws.join('')}${b}`
        const plain = ` ${text.trimStart()}`

        expect(continues(text, held(s), false)).toEqual(continues(plain, held(s), false))
      }),
      { numRuns: 500 },
    )
  })
})
