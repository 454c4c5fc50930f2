import { describe, expect, it } from 'vitest'

import { foldAscii, trigrams } from './text-sql.js'

describe('foldAscii', () => {
  it('lower-cases ASCII letters and leaves every other character alone', () => {
    expect(foldAscii('ConnectION Ü É Σ ǅ')).toBe('connection Ü É Σ ǅ')
  })
})

describe('trigrams', () => {
  it('lists distinct 3-character pieces by code point', () => {
    expect(trigrams('abcab')).toEqual(['abc', 'bca', 'cab'])
    expect(trigrams('ab')).toEqual([])
    expect(trigrams('a🔥b')).toEqual(['a🔥b'])
  })

  it('keeps at most 12 pieces spread over a long needle', () => {
    const grams = trigrams('abcdefghijklmnopqrstuvwxyz')
    expect(grams).toHaveLength(12)
    expect(grams[0]).toBe('abc')
    expect(grams.at(-1)).toBe('xyz')
  })
})
