import { describe, expect, it } from 'vitest'

import type { Checkpoint } from './checkpoint.js'
import { HeldBatch } from './held-batch.js'

function checkpoint(identity: string, offset: number, previousIdentity?: string): Checkpoint {
  return {
    identity,
    path: '/var/log/app.log',
    device: '1',
    inode: '2',
    headHash: identity,
    offset,
    size: offset,
    linesRead: offset,
    events: offset,
    skipped: {},
    lastEventAt: null,
    lastError: null,
    ...(previousIdentity === undefined ? {} : { previousIdentity }),
  }
}

function held(): HeldBatch {
  return new HeldBatch({ first: 5, latest: 20 })
}

describe('HeldBatch', () => {
  it('is empty until a batch is opened, even one without events', () => {
    const batch = held()
    expect(batch.isEmpty).toBe(true)

    batch.open()

    expect(batch.isEmpty).toBe(false)
  })

  it('keeps the newest checkpoint of each file in first-seen order', () => {
    const batch = held()
    batch.addCheckpoints([checkpoint('a', 10), checkpoint('b', 5)])
    batch.addCheckpoints([checkpoint('a', 20)])

    expect(batch.checkpoints.map((c) => [c.identity, c.offset])).toEqual([
      ['b', 5],
      ['a', 20],
    ])
  })

  it('keeps the stored identity of a file whose head grew while held', () => {
    const batch = held()
    batch.addCheckpoints([checkpoint('b', 10, 'a')])
    batch.addCheckpoints([checkpoint('b', 20)])

    expect(batch.checkpoints).toEqual([checkpoint('b', 20, 'a')])
  })

  it('replaces a held checkpoint that was never stored when its file is renamed', () => {
    const batch = held()
    batch.addCheckpoints([checkpoint('a', 10)])
    batch.addCheckpoints([checkpoint('b', 20, 'a')])

    expect(batch.checkpoints).toEqual([checkpoint('b', 20, 'a')])
  })

  it('carries a rename of a rename back to the identity that was stored', () => {
    const batch = held()
    batch.addCheckpoints([checkpoint('b', 10, 'a')])
    batch.addCheckpoints([checkpoint('c', 20, 'b')])

    expect(batch.checkpoints).toEqual([checkpoint('c', 20, 'a')])
  })
})
