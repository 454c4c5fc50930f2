/**
 * Where reading a file stopped, and what was counted on the way. Stored in `processed_logs`
 * in the same transaction as the incidents its events produced, so a restart resumes exactly
 * after the last stored event.
 */
export interface Checkpoint {
  /** device:inode:headHash — stays the same across renames, changes on delete-and-recreate. */
  identity: string
  path: string
  device: string
  inode: string
  /** Hash of the file's first bytes (up to 1 KiB), '' while the file has none. */
  headHash: string
  /** How many first bytes `headHash` covers (0-1024); below 1024 it is re-hashed as the file grows. */
  headLength?: number
  /** The identity this file had before its head grew (its row is renamed, not duplicated). */
  previousIdentity?: string
  /** Byte offset just past the last event handed on (or line skipped). */
  offset: number
  /** File size when last read. */
  size: number
  /** Lines consumed up to `offset`; gives events their line numbers after a restart. */
  linesRead: number
  events: number
  /** Counts of lines or bytes not turned into events, by reason (e.g. `truncated_line`). */
  skipped: Readonly<Record<string, number>>
  lastEventAt: number | null
  lastError: string | null
}

/** Reads and writes checkpoints; the store implements it over `processed_logs`. */
export interface CheckpointRepository {
  loadAll(): Promise<Checkpoint[]>
}

/** A unit of work handed from the reading stages to the store: committed all or nothing. */
export interface Batch<E> {
  events: readonly E[]
  checkpoints: readonly Checkpoint[]
  /** Events the rules' line gate passed over on the way to these checkpoints (not incidents). */
  gated?: number
}

/** The end of the pipeline: commits a batch (events' effects and checkpoints) in one transaction. */
export interface BatchSink<E> {
  commit(batch: Batch<E>): Promise<void>
}
