import { describe, expect, it } from 'vitest'

import { backoffDelay } from './backoff.js'
import { retryAfter } from './servicenow-client.js'

describe('backoff', () => {
  const settings = { baseMs: 1000, maxMs: 60_000 }

  it('doubles per attempt up to the cap', () => {
    const ceilings = [1, 2, 3, 4, 7, 8, 30, 1000].map((n) =>
      backoffDelay(n, settings, () => 0.999999),
    )

    expect(ceilings).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000, 60_000, 60_000])
  })

  it('jitters between half and all of the ceiling', () => {
    expect(backoffDelay(3, settings, () => 0)).toBe(2000)
    expect(backoffDelay(3, settings, () => 0.5)).toBe(3000)
  })
})

describe('Retry-After', () => {
  const now = Date.UTC(2026, 11, 3, 12, 0, 0)

  it('reads seconds and HTTP dates, and caps at an hour', () => {
    expect(retryAfter('30', now)).toBe(30_000)
    expect(retryAfter('Thu, 03 Dec 2026 12:00:45 GMT', now)).toBe(45_000)
    expect(retryAfter('999999', now)).toBe(3_600_000)
  })

  it('ignores a missing or unreadable header', () => {
    expect(retryAfter(undefined, now)).toBeNull()
    expect(retryAfter('soon', now)).toBeNull()
  })
})
