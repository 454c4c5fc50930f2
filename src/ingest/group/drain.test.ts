import { describe, expect, it } from 'vitest'

import { Drain } from './drain.js'

describe('Drain', () => {
  it('joins templates that differ in a few positions and marks them <*>', () => {
    const drain = new Drain()
    const first = drain.add('user alice logged in from <IP>')
    const second = drain.add('user alice logged out from <IP>')
    expect(second.id).toBe(first.id)
    expect(second.tokens.join(' ')).toBe('user alice logged <*> from <IP>')
    expect(second.size).toBe(2)
  })

  it('keeps templates apart when their first tokens or their lengths differ', () => {
    const drain = new Drain()
    const a = drain.add('file missing')
    const b = drain.add('file corrupted')
    const c = drain.add('null values found')
    const d = drain.add('null values found twice')
    expect(new Set([a.id, b.id, c.id, d.id]).size).toBe(4)
  })

  it('keeps templates apart below the similarity threshold', () => {
    const drain = new Drain({ similarity: 0.75 })
    const a = drain.add('job done in <DUR> with status ok')
    const b = drain.add('job done after retry and status ok')
    expect(b.id).not.toBe(a.id)
  })

  it('routes masked first tokens down one branch', () => {
    const drain = new Drain()
    const a = drain.add('<NUM> rows inserted')
    const b = drain.add('<*> rows inserted')
    expect(b.id).toBe(a.id)
  })

  it('starts afresh when it reaches the cluster limit', () => {
    const drain = new Drain({ maxClusters: 2 })
    drain.add('a b c')
    drain.add('x y')
    expect(drain.size).toBe(2)
    drain.add('p q r s')
    expect(drain.size).toBe(1)
  })
})
