import { createHash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'

/** Bytes at the start of a file that its identity hashes. */
export const HEAD_BYTES = 1024

/**
 * Who a file is, independent of its path: device, inode, and a sha1 of its first bytes (up to
 * 1 KiB) so that a reused inode with other content counts as another file. While a file is
 * shorter than 1 KiB the hash covers what it has (`headLength`); as it grows the hash is taken
 * again, and when the old head is a prefix of the new one the file keeps its history under
 * the new identity (the checkpoint row is renamed, see `previousIdentity`).
 */
export interface FileIdentity {
  device: string
  inode: string
  headHash: string
  headLength: number
}

/** The identity string stored in checkpoints: `device:inode:headHash`. */
export function identityKey(identity: FileIdentity): string {
  return `${identity.device}:${identity.inode}:${identity.headHash}`
}

/** The part of the identity a stat gives: `device:inode`. */
export function inodeKey(
  device: string | number | bigint,
  inode: string | number | bigint,
): string {
  return `${String(device)}:${String(inode)}`
}

function sha1(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex')
}

/** Reads up to `length` bytes from the start of an open file. */
export async function readStart(handle: FileHandle, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length)
  let filled = 0
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, filled)
    if (bytesRead === 0) break
    filled += bytesRead
  }

  return buffer.subarray(0, filled)
}

/** Hashes the file's first min(size, 1 KiB) bytes. */
export async function readIdentity(
  handle: FileHandle,
  device: string,
  inode: string,
  size: number,
): Promise<FileIdentity> {
  const head = await readStart(handle, Math.min(size, HEAD_BYTES))

  return {
    device,
    inode,
    headHash: head.length === 0 ? '' : sha1(head),
    headLength: head.length,
  }
}

/** True when the file's first `identity.headLength` bytes still hash to `identity.headHash`. */
export async function headMatches(handle: FileHandle, identity: FileIdentity): Promise<boolean> {
  if (identity.headLength === 0) return true

  const head = await readStart(handle, identity.headLength)

  return head.length === identity.headLength && sha1(head) === identity.headHash
}
