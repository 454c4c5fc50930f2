import { open, type FileHandle } from 'node:fs/promises'
import { resolve } from 'node:path'

import { AppError } from '../../errors/app-error.js'
import type { Logger } from '../../observability/logger.js'
import type { LineGate } from '../classify/line-gate.js'
import type { BatchSink, Checkpoint } from '../checkpoint.js'
import type { LogEvent } from '../event.js'
import type { AssemblerFactory, SourceSettings } from '../line.js'

import { indexCheckpoints, resumePoint } from './resume-point.js'
import { SourceReader } from './source-reader.js'

export interface ReadOnceOptions {
  paths: readonly string[]
  assemblers: AssemblerFactory
  /** Receives batches of events with the checkpoints they reach; awaited before reading on. */
  sink: BatchSink<LogEvent>
  log: Logger
  /** Stored checkpoints to resume from; without them every file is read from offset 0. */
  checkpoints?: readonly Checkpoint[]
  /** Per-file settings (service, format, multi-line start); default: the path alone. */
  settings?: (path: string) => SourceSettings
  maxLineBytes?: number
  /** Bytes read per call (default 1 MiB). */
  chunkBytes?: number
  /**
   * Events after which a batch is handed to the sink (default 1000, as the worker reads a
   * backlog: events held longer cost memory and collector time; it may hold one read's more).
   */
  batchEvents?: number
  /** The rules' line gate; without one every line is read. */
  gate?: () => LineGate | null
}

/** What one file yielded in a one-shot read. */
export interface ReadOnceFile {
  /** Absolute path. */
  path: string
  identity: string
  /** Byte offsets read from and to. */
  from: number
  to: number
  /** Lines and events of this read (not counting earlier reads of the file). */
  lines: number
  events: number
  /** What this read skipped or altered, by reason. */
  skipped: Readonly<Record<string, number>>
}

async function openAll(paths: readonly string[]): Promise<FileHandle[]> {
  const handles: FileHandle[] = []
  try {
    for (const path of paths) {
      try {
        handles.push(await open(path, 'r'))
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
        throw new AppError('SOURCE_UNREADABLE', `cannot read log file ${path}: ${code}`, {
          cause: error,
          field: path,
          status: 400,
        })
      }
    }
  } catch (error) {
    await Promise.all(handles.map((h) => h.close()))
    throw error
  }

  return handles
}

async function readOne(
  handle: FileHandle,
  path: string,
  options: ReadOnceOptions,
  index: ReturnType<typeof indexCheckpoints>,
  buffers: readonly [Buffer, Buffer],
): Promise<ReadOnceFile> {
  // Stored and shown as absolute paths, like the tailer's, whatever the caller's cwd.
  const { start } = await resumePoint(handle, resolve(path), index, 'start')
  const settings = options.settings?.(start.path) ?? { path: start.path }
  const reader = new SourceReader(start, {
    assembler: options.assemblers(settings),
    maxLineBytes: options.maxLineBytes ?? 1024 * 1024,
    partialAfterMs: Number.POSITIVE_INFINITY,
    log: options.log,
    ...(options.gate === undefined ? {} : { gate: options.gate }),
  })
  const batchEvents = options.batchEvents ?? 1_000
  const linesAtStart = start.linesBefore
  let events: LogEvent[] = []
  // Two buffers: the next chunk is read while this one is split and parsed, so the reads
  // (in libuv's thread pool) cost no time of their own.
  let [reading, spare] = buffers
  let next: Promise<{ bytesRead: number }> | null = handle.read(
    reading,
    0,
    reading.length,
    reader.readOffset,
  )
  try {
    for (;;) {
      const { bytesRead }: { bytesRead: number } = await next
      next = null
      if (bytesRead === 0) break

      const chunk = reading.subarray(0, bytesRead)
      ;[reading, spare] = [spare, reading]
      next = handle.read(reading, 0, reading.length, reader.readOffset + bytesRead)
      reader.consume(chunk, events)
      if (events.length >= batchEvents) {
        const checkpoints = [reader.checkpoint()]
        await options.sink.commit({ events, checkpoints, gated: reader.takeGated() })
        events = []
      }
    }
  } finally {
    // A read still running when the sink failed: let it end before the file is closed.
    await next?.catch(() => undefined)
  }
  reader.size = reader.readOffset
  reader.finish(events)
  const checkpoint = reader.checkpoint()
  await options.sink.commit({ events, checkpoints: [checkpoint], gated: reader.takeGated() })

  const before = start.resumed?.skipped ?? {}
  const skipped: Record<string, number> = {}
  for (const [reason, count] of Object.entries(checkpoint.skipped)) {
    const added = count - (before[reason] ?? 0)
    if (added > 0) skipped[reason] = added
  }

  return {
    path: start.path,
    identity: checkpoint.identity,
    from: start.offset,
    to: checkpoint.offset,
    lines: checkpoint.linesRead - linesAtStart,
    events: checkpoint.events - (start.resumed?.events ?? 0),
    skipped,
  }
}

/**
 * Reads files to their end once through the same splitter and assembler as the tailer: from
 * their checkpoint when given one, else from offset 0; in chunks, awaiting the sink before
 * reading on; at the end everything held is handed on (a last line without newline as
 * partial). Throws SOURCE_UNREADABLE before reading anything when a file cannot be opened.
 */
export async function readFilesOnce(options: ReadOnceOptions): Promise<ReadOnceFile[]> {
  const handles = await openAll(options.paths)
  const index = indexCheckpoints(options.checkpoints ?? [])
  const chunkBytes = options.chunkBytes ?? 1024 * 1024
  const buffers = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)] as const
  const results: ReadOnceFile[] = []
  try {
    for (const [i, handle] of handles.entries()) {
      results.push(await readOne(handle, options.paths[i] ?? '', options, index, buffers))
    }
  } finally {
    await Promise.all(handles.map((h) => h.close()))
  }

  return results
}
