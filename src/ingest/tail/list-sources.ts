import { stat } from 'node:fs/promises'

import type { Db } from '../../db/database.js'

import { loadCheckpoints } from './checkpoint-store.js'
import { inodeKey } from './file-identity.js'

/** One watched file as GET /api/v1/sources shows it. */
export interface SourceStatus {
  path: string
  /** device:inode:headHash of the file last read at this path. */
  identity: string
  /** Byte offset just past the last event stored. */
  offset: number
  /** Bytes in the file: measured now when the file is reachable, else when last read. */
  size: number
  /** Bytes not yet stored: size - offset. */
  lag: number
  /** Epoch ms when an event of this file was last handed on, null before the first. */
  lastEventAt: number | null
  linesRead: number
  events: number
  /** Lines or bytes not turned into events (or altered), by reason. */
  skipped: Readonly<Record<string, number>>
  lastError: string | null
  /** False when the path no longer holds this file (rotated away or deleted); null unchecked. */
  present: boolean | null
}

export interface ListSourcesOptions {
  /** Stat the files for their current size (default true; false where the files are not local). */
  live?: boolean
}

/**
 * The watched files from `processed_logs`, one per path: the checkpoint of the file the path
 * holds now (older generations of a rotated path are left out), sorted by path.
 */
export async function listSources(
  db: Db,
  options: ListSourcesOptions = {},
): Promise<SourceStatus[]> {
  const checkpoints = await loadCheckpoints(db)
  const byPath = new Map<string, typeof checkpoints>()
  for (const checkpoint of checkpoints) {
    byPath.set(checkpoint.path, [...(byPath.get(checkpoint.path) ?? []), checkpoint])
  }

  const rows = await Promise.all(
    [...byPath.entries()].map(async ([path, list]) => {
      const now =
        options.live === false ? null : await stat(path, { bigint: true }).catch(() => null)
      const here = now === null ? undefined : inodeKey(now.dev, now.ino)
      // Newest first: without a live match the latest checkpoint of the path stands for it.
      const own = list.find((c) => inodeKey(c.device, c.inode) === here)
      const checkpoint = own ?? list[0]
      if (checkpoint === undefined) return null

      const size = own !== undefined && now !== null ? Number(now.size) : checkpoint.size

      return {
        path,
        identity: checkpoint.identity,
        offset: checkpoint.offset,
        size,
        lag: Math.max(0, size - checkpoint.offset),
        lastEventAt: checkpoint.lastEventAt,
        linesRead: checkpoint.linesRead,
        events: checkpoint.events,
        skipped: checkpoint.skipped,
        lastError: checkpoint.lastError,
        present: options.live === false ? null : own !== undefined,
      } satisfies SourceStatus
    }),
  )

  return rows
    .filter((r): r is SourceStatus => r !== null)
    .sort((a, b) => a.path.localeCompare(b.path))
}
