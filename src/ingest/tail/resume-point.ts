import type { FileHandle } from 'node:fs/promises'

import type { Checkpoint } from '../checkpoint.js'

import {
  HEAD_BYTES,
  headMatches,
  identityKey,
  inodeKey,
  readIdentity,
  type FileIdentity,
} from './file-identity.js'
import type { ReaderStart } from './source-reader.js'

/** Checkpoints by `device:inode`, newest first, to find a file's own among them. */
export type CheckpointIndex = Map<string, Checkpoint[]>

/** Indexes checkpoints by `device:inode`, keeping their order (newest first). */
export function indexCheckpoints(checkpoints: readonly Checkpoint[]): CheckpointIndex {
  const index: CheckpointIndex = new Map()
  for (const checkpoint of checkpoints) {
    const key = inodeKey(checkpoint.device, checkpoint.inode)
    const list = index.get(key) ?? []
    list.push(checkpoint)
    index.set(key, list)
  }

  return index
}

/** A resume point plus what a restart found wrong with the stored checkpoint. */
export interface ResumeDecision {
  start: ReaderStart
  /** Bytes the checkpoint knew of but the file no longer has (truncated while stopped). */
  lostBytes: number
}

async function endsMidLine(handle: FileHandle, offset: number): Promise<boolean> {
  if (offset === 0) return false

  const byte = Buffer.alloc(1)
  const { bytesRead } = await handle.read(byte, 0, 1, offset - 1)

  return bytesRead === 1 && byte[0] !== 10
}

async function ownCheckpoint(
  handle: FileHandle,
  identity: FileIdentity,
  candidates: readonly Checkpoint[],
): Promise<Checkpoint | null> {
  for (const candidate of candidates) {
    const head: FileIdentity = {
      device: candidate.device,
      inode: candidate.inode,
      headHash: candidate.headHash,
      headLength: candidate.headHash === '' ? 0 : (candidate.headLength ?? HEAD_BYTES),
    }
    if (identityKey(head) === identityKey(identity)) return candidate
    if (head.headLength < identity.headLength && (await headMatches(handle, head))) return candidate
  }

  return null
}

/**
 * Decides where to read an open file from: exactly at its own checkpoint (same device, inode
 * and head), at 0 when the file is shorter than its checkpoint, else at `fresh` (0, or the
 * end for `startAt: end`) for a file never seen.
 */
export async function resumePoint(
  handle: FileHandle,
  path: string,
  index: CheckpointIndex,
  fresh: 'start' | 'end',
): Promise<ResumeDecision> {
  const stat = await handle.stat({ bigint: true })
  const size = Number(stat.size)
  const identity = await readIdentity(handle, String(stat.dev), String(stat.ino), size)
  const candidates = index.get(inodeKey(stat.dev, stat.ino)) ?? []
  const own = await ownCheckpoint(handle, identity, candidates)

  if (own !== null && own.offset <= size) {
    return {
      start: {
        path,
        identity,
        offset: own.offset,
        linesBefore: own.linesRead,
        continuation: await endsMidLine(handle, own.offset),
        resumed: own,
        previousIdentity: own.identity === identityKey(identity) ? null : own.identity,
      },
      lostBytes: 0,
    }
  }

  // Another file had this inode (re-created or truncated while stopped): what it still had
  // unread is gone.
  const previous = own ?? candidates[0] ?? null
  const offset = previous === null && fresh === 'end' ? size : 0

  return {
    start: {
      path,
      identity,
      offset,
      linesBefore: 0,
      continuation: await endsMidLine(handle, offset),
      resumed: own,
      previousIdentity:
        own !== null && own.identity !== identityKey(identity) ? own.identity : null,
    },
    lostBytes: previous === null ? 0 : Math.max(0, previous.size - previous.offset),
  }
}
