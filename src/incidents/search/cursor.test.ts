import { describe, expect, it } from 'vitest'

import { isAppError } from '../../errors/app-error.js'

import { decodeCursor, encodeCursor, searchDigest } from './cursor.js'

function code(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    if (isAppError(error)) return `${error.code} ${error.status} ${error.field ?? ''}`
    throw error
  }

  return 'no error'
}

describe('cursor', () => {
  const digest = searchDigest(['timeout', 'activity', 'desc'])

  it('round-trips a position', () => {
    const text = encodeCursor({ keys: [1_780_000_000_000, 42], now: 1_780_000_000_500 }, digest)
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeCursor(text, digest, 2)).toEqual({
      keys: [1_780_000_000_000, 42],
      now: 1_780_000_000_500,
    })
  })

  it('refuses a cursor of another search or sort', () => {
    const text = encodeCursor({ keys: [1, 2], now: 3 }, digest)
    expect(code(() => decodeCursor(text, searchDigest(['other']), 2))).toBe(
      'CURSOR_INVALID 400 cursor',
    )
    expect(code(() => decodeCursor(text, digest, 3))).toBe('CURSOR_INVALID 400 cursor')
  })

  it('refuses tampered and malformed cursors', () => {
    const forged = (value: unknown): string =>
      Buffer.from(JSON.stringify(value)).toString('base64url')
    const bad = [
      '',
      'not base64!',
      "' OR 1=1--",
      Buffer.from('{"k":').toString('base64url'),
      forged(null),
      forged([1, 2]),
      forged({ k: ['1', 2], n: 1, d: digest }),
      forged({ k: [1.5, 2], n: 1, d: digest }),
      forged({ k: [1, 2], n: 1e300, d: digest }),
      forged({ k: [1, 2], d: digest }),
      'A'.repeat(600),
    ]
    for (const text of bad)
      expect(code(() => decodeCursor(text, digest, 2))).toBe('CURSOR_INVALID 400 cursor')
  })
})
