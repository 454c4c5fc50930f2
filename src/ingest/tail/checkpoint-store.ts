import type { Db, Tx } from '../../db/database.js'
import type { ProcessedLogsTable } from '../../db/schema.js'
import type { Checkpoint } from '../checkpoint.js'

import { HEAD_BYTES } from './file-identity.js'

type Row = Omit<ProcessedLogsTable, 'id' | 'head_length'> & { id: number; head_length: number }

function parseSkipped(text: string): Record<string, number> {
  try {
    const value = JSON.parse(text) as unknown
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {}

    const out: Record<string, number> = {}
    for (const [key, count] of Object.entries(value)) {
      if (typeof count === 'number' && Number.isFinite(count)) out[key] = count
    }

    return out
  } catch {
    return {}
  }
}

/** Turns a `processed_logs` row into a checkpoint. */
export function rowToCheckpoint(row: Row): Checkpoint {
  return {
    identity: row.identity,
    path: row.path,
    device: row.device,
    inode: row.inode,
    headHash: row.head_hash,
    headLength: row.head_length,
    offset: row.offset,
    size: row.size,
    linesRead: row.lines_read,
    events: row.events,
    skipped: parseSkipped(row.skipped),
    lastEventAt: row.last_event_at,
    lastError: row.last_error,
  }
}

/** Every stored checkpoint, most recently updated first. */
export async function loadCheckpoints(db: Db | Tx): Promise<Checkpoint[]> {
  const rows = await db
    .selectFrom('processed_logs')
    .selectAll()
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .execute()

  return rows.map((row) => rowToCheckpoint(row as Row))
}

/**
 * Stores checkpoints inside the caller's transaction: an upsert on `identity`. A checkpoint
 * carrying `previousIdentity` (its file's head grew) replaces that row instead of adding one.
 * When a batch holds several checkpoints of one file, the last one wins.
 */
export async function saveCheckpoints(
  tx: Tx,
  checkpoints: readonly Checkpoint[],
  now = Date.now(),
): Promise<void> {
  const latest = new Map<string, Checkpoint>()
  for (const checkpoint of checkpoints) {
    latest.delete(checkpoint.identity)
    latest.set(checkpoint.identity, checkpoint)
  }

  const renamed = [...latest.values()]
    .map((c) => c.previousIdentity)
    .filter((p): p is string => p !== undefined && !latest.has(p))
  if (renamed.length > 0) {
    await tx.deleteFrom('processed_logs').where('identity', 'in', renamed).execute()
  }

  for (const c of latest.values()) {
    const values = {
      path: c.path,
      device: c.device,
      inode: c.inode,
      head_hash: c.headHash,
      head_length: c.headLength ?? HEAD_BYTES,
      offset: c.offset,
      size: c.size,
      lines_read: c.linesRead,
      events: c.events,
      skipped: JSON.stringify(c.skipped),
      last_event_at: c.lastEventAt,
      last_error: c.lastError,
      updated_at: now,
    }
    await tx
      .insertInto('processed_logs')
      .values({ identity: c.identity, ...values })
      .onConflict((oc) => oc.column('identity').doUpdateSet(values))
      .execute()
  }
}
