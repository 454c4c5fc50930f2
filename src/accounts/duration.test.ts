import { describe, expect, it } from 'vitest'

import { parseDuration } from './duration.js'

describe('parseDuration', () => {
  it('reads minutes, hours, days, weeks and years', () => {
    expect(parseDuration('90m')).toBe(90 * 60_000)
    expect(parseDuration('12h')).toBe(12 * 3_600_000)
    expect(parseDuration('30d')).toBe(30 * 86_400_000)
    expect(parseDuration('2w')).toBe(14 * 86_400_000)
    expect(parseDuration('1y')).toBe(365 * 86_400_000)
  })

  it('rejects zero, a missing unit and other text, naming the field', () => {
    for (const raw of ['0d', '30', 'soon', '-1d', '']) {
      expect(() => parseDuration(raw, 'expires')).toThrow(/^expires must be a duration/)
    }
  })
})
