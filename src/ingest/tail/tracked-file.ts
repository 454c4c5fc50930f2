import { open, type FileHandle } from 'node:fs/promises'

import type { Logger } from '../../observability/logger.js'
import type { Checkpoint } from '../checkpoint.js'
import type { LogEvent } from '../event.js'

import { HEAD_BYTES, headMatches, identityKey, inodeKey, readIdentity } from './file-identity.js'
import { ingestMetrics } from './ingest-metrics.js'
import { SourceReader, type SourceReaderOptions } from './source-reader.js'

/** What a tracked file needs from the tailer while it reads. */
export interface ReadContext {
  buffer: Buffer
  events: LogEvent[]
  /** Most bytes to read in one turn, so that one busy file does not starve the others. */
  budget: number
  /** Hands on the events gathered so far (backpressure); called when the batch is full. */
  flushIfFull(): Promise<void>
  log: Logger
  now: number
}

/** Outcome of a read turn. */
export type ReadOutcome = 'idle' | 'read' | 'more' | 'moved'

/**
 * One followed file: its reader, the handle while it is open, and whether it still sits at its
 * watched path (`detached` once renamed away or deleted: it is drained through the handle).
 */
export class TrackedFile {
  reader: SourceReader
  /** `device:inode` of the file. */
  readonly inode: string
  handle: FileHandle | null = null
  detached = false
  /** When the file last grew or was attached; drained detached files close a grace time after. */
  lastGrowthAt: number
  lastUse = 0
  /** Identity of the row stored for this file, null before its first commit. */
  storedIdentity: string | null
  /** True when the checkpoint may have moved since it was last handed on. */
  changed = true
  /** Checkpoints of readers this file replaced (truncation), waiting to be stored. */
  retired: Checkpoint[] = []
  readonly #readerOptions: SourceReaderOptions

  constructor(
    reader: SourceReader,
    readerOptions: SourceReaderOptions,
    handle: FileHandle,
    storedIdentity: string | null,
    now: number,
  ) {
    this.reader = reader
    this.#readerOptions = readerOptions
    this.inode = inodeKey(reader.identity.device, reader.identity.inode)
    this.handle = handle
    this.storedIdentity = storedIdentity
    this.lastGrowthAt = now
  }

  get path(): string {
    return this.reader.path
  }

  /** Opens the file at its path again; 'moved' when the path now holds another file. */
  async reopen(): Promise<'ok' | 'moved'> {
    if (this.handle !== null) return 'ok'

    let handle: FileHandle
    try {
      handle = await open(this.path, 'r')
    } catch {
      return 'moved'
    }
    const stat = await handle.stat({ bigint: true })
    if (inodeKey(stat.dev, stat.ino) !== this.inode) {
      await handle.close()

      return 'moved'
    }
    this.handle = handle

    return 'ok'
  }

  /** Closes the handle (the file stays followed and is opened again to read). */
  async closeHandle(): Promise<void> {
    const handle = this.handle
    this.handle = null
    if (handle !== null) await handle.close().catch(() => undefined)
  }

  /** Reads what was appended since the last turn, handling truncation and a growing head. */
  async read(context: ReadContext): Promise<ReadOutcome> {
    if ((await this.reopen()) === 'moved') return 'moved'

    const handle = this.handle
    if (handle === null) return 'moved'

    this.lastUse = context.now
    const size = Number((await handle.stat({ bigint: true })).size)
    if (size === this.reader.readOffset && size === this.reader.size) return 'idle'

    if (size > this.reader.size) this.lastGrowthAt = context.now
    if (size < this.reader.readOffset || !(await headMatches(handle, this.reader.identity))) {
      await this.#restart(handle, size, context)
    } else if (this.reader.identity.headLength < Math.min(size, HEAD_BYTES)) {
      const grown = await readIdentity(
        handle,
        this.reader.identity.device,
        this.reader.identity.inode,
        size,
      )
      if (this.storedIdentity !== null && this.storedIdentity !== identityKey(grown)) {
        this.reader.previousIdentity = this.storedIdentity
      }
      this.reader.identity = grown
    }

    this.reader.size = size
    this.changed = true
    let read = 0
    while (read < context.budget) {
      const want = Math.min(context.buffer.length, context.budget - read)
      const { bytesRead } = await handle.read(context.buffer, 0, want, this.reader.readOffset)
      if (bytesRead === 0) break

      read += bytesRead
      this.reader.consume(context.buffer.subarray(0, bytesRead), context.events, context.now)
      await context.flushIfFull()
    }
    this.reader.size = Math.max(this.reader.size, this.reader.readOffset)

    return this.reader.readOffset < size ? 'more' : 'read'
  }

  /** The file is shorter than what was read, or its first bytes changed: read it from 0 again. */
  async #restart(handle: FileHandle, size: number, context: ReadContext): Promise<void> {
    const old = this.reader
    const lost = Math.max(0, old.size - old.readOffset)
    // What was read before the truncation is complete data: hand it on, held lines included.
    old.finish(context.events, context.now)
    this.retired.push(old.checkpoint())
    const identity = await readIdentity(handle, old.identity.device, old.identity.inode, size)
    const same = identityKey(identity) === old.key
    const fields = { file: old.path, offset: old.readOffset, size, lost }
    ingestMetrics.rotations.inc({ kind: 'truncated' })
    if (lost > 0) {
      ingestMetrics.bytesSkipped.inc({ reason: 'lost_bytes' }, lost)
      context.log.warn(fields, 'file truncated before it was read to its end')
    } else {
      context.log.info(fields, 'file truncated')
    }

    this.reader = new SourceReader(
      {
        path: old.path,
        identity,
        offset: 0,
        linesBefore: 0,
        continuation: false,
        resumed: same ? old.checkpoint() : null,
      },
      this.#readerOptions,
    )
    if (lost > 0) {
      this.reader.count('lost_bytes', lost)
      this.reader.noteError(`file truncated at offset ${old.readOffset}: ${lost} bytes not read`)
    }
    if (!same) this.storedIdentity = null
  }
}
