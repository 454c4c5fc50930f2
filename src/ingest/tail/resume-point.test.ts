import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import type { Checkpoint } from '../checkpoint.js'

import { identityKey, readIdentity } from './file-identity.js'
import { indexCheckpoints, resumePoint } from './resume-point.js'

let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alims-resume-'))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

async function checkpointOf(path: string, offset: number, linesRead: number): Promise<Checkpoint> {
  const handle = await open(path, 'r')
  const stat = await handle.stat({ bigint: true })
  const identity = await readIdentity(handle, String(stat.dev), String(stat.ino), Number(stat.size))
  await handle.close()

  return {
    identity: identityKey(identity),
    path,
    device: identity.device,
    inode: identity.inode,
    headHash: identity.headHash,
    headLength: identity.headLength,
    offset,
    size: Number(stat.size),
    linesRead,
    events: linesRead,
    skipped: {},
    lastEventAt: null,
    lastError: null,
  }
}

async function decide(path: string, checkpoints: Checkpoint[], fresh: 'start' | 'end' = 'start') {
  const handle = await open(path, 'r')
  try {
    return await resumePoint(handle, path, indexCheckpoints(checkpoints), fresh)
  } finally {
    await handle.close()
  }
}

describe('resumePoint', () => {
  it('resumes at the checkpoint of the same file', async () => {
    const path = join(dir, 'a.log')
    writeFileSync(path, 'one\ntwo\n')
    const stored = await checkpointOf(path, 4, 1)
    writeFileSync(path, 'one\ntwo\nthree\n')

    const { start, lostBytes } = await decide(path, [stored])
    expect(start).toMatchObject({
      offset: 4,
      linesBefore: 1,
      continuation: false,
      previousIdentity: stored.identity,
    })
    expect(start.resumed).toBe(stored)
    expect(lostBytes).toBe(0)
  })

  it('knows the file when its head grew past the stored hash, and marks a mid-line resume', async () => {
    const path = join(dir, 'a.log')
    writeFileSync(path, 'partial')
    const stored = await checkpointOf(path, 7, 0)
    writeFileSync(path, `partial rest\n${'x'.repeat(2000)}\n`)

    const { start } = await decide(path, [stored])
    expect(start).toMatchObject({
      offset: 7,
      continuation: true,
      previousIdentity: stored.identity,
    })
    expect(start.identity.headLength).toBe(1024)
  })

  it('reads a file from 0 when its inode holds other content, counting what was unread', async () => {
    const path = join(dir, 'a.log')
    writeFileSync(path, 'old content\nmore\n')
    const stored = { ...(await checkpointOf(path, 12, 1)) }
    writeFileSync(path, 'new\n')

    const { start, lostBytes } = await decide(path, [stored], 'end')
    expect(start).toMatchObject({ offset: 0, linesBefore: 0, resumed: null })
    expect(lostBytes).toBe(5)
  })

  it('starts a file never seen at its end when asked, flagging a line already begun', async () => {
    const path = join(dir, 'a.log')
    writeFileSync(path, 'done\nhalf')

    expect((await decide(path, [], 'end')).start).toMatchObject({ offset: 9, continuation: true })
    expect((await decide(path, [], 'start')).start).toMatchObject({
      offset: 0,
      continuation: false,
    })
  })
})
