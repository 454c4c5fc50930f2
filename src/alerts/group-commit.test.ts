import { describe, expect, it } from 'vitest'

import { GroupCommit } from './group-commit.js'

describe('GroupCommit', () => {
  it('writes the items of callers that wait together in one group, each getting its own result', async () => {
    const groups: number[][] = []
    const writer = new GroupCommit<number, string>(
      (items) => {
        groups.push(items)

        return Promise.resolve(items.map((i) => `done ${i}`))
      },
      { ready: () => 3, maxWaitMs: 10_000 },
    )

    const results = await Promise.all([writer.add(1), writer.add(2), writer.add(3)])

    expect(results).toEqual(['done 1', 'done 2', 'done 3'])
    expect(groups).toEqual([[1, 2, 3]])
  })

  it('writes a group that is not full after the longest wait', async () => {
    const groups: number[][] = []
    const writer = new GroupCommit<number, number>(
      (items) => {
        groups.push(items)

        return Promise.resolve(items)
      },
      { ready: () => 5, maxWaitMs: 5 },
    )

    expect(await Promise.all([writer.add(1), writer.add(2)])).toEqual([1, 2])
    expect(groups).toEqual([[1, 2]])
  })

  it('rejects every item of a failed group and still writes the next one', async () => {
    let calls = 0
    const writer = new GroupCommit<number, number>(
      (items) => {
        calls += 1

        return calls === 1 ? Promise.reject(new Error('disk full')) : Promise.resolve(items)
      },
      { ready: () => 2, maxWaitMs: 10_000 },
    )

    const failed = await Promise.allSettled([writer.add(1), writer.add(2)])
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    expect(await Promise.all([writer.add(3), writer.add(4)])).toEqual([3, 4])
  })

  it('queues what arrives during a write for the next group, and writes it when poked', async () => {
    const groups: number[][] = []
    let release: () => void = () => undefined
    let ready = 1
    const writer = new GroupCommit<number, number>(
      async (items) => {
        groups.push(items)
        if (groups.length === 1) await new Promise<void>((r) => (release = r))

        return items
      },
      { ready: () => ready, maxWaitMs: 10_000 },
    )

    const first = writer.add(1)
    ready = 3
    const later = [writer.add(2), writer.add(3)]
    release()
    await first
    ready = 2
    writer.poke()

    expect(await Promise.all(later)).toEqual([2, 3])
    expect(groups).toEqual([[1], [2, 3]])
  })
})
