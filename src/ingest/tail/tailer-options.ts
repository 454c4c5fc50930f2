import type { Logger } from '../../observability/logger.js'
import type { LineGate } from '../classify/line-gate.js'
import type { BatchSink, Checkpoint } from '../checkpoint.js'
import type { LogEvent } from '../event.js'
import type { AssemblerFactory, SourceSettings } from '../line.js'

export interface TailerOptions {
  /** Globs of files to follow; relative ones resolve against `cwd`. */
  globs: readonly string[]
  cwd?: string
  assemblers: AssemblerFactory
  /** Receives batches of events and checkpoints; reading waits while it works (backpressure). */
  sink: BatchSink<LogEvent>
  log: Logger
  /** Stored checkpoints: a file that has one resumes exactly there. */
  checkpoints?: readonly Checkpoint[]
  settings?: (path: string) => SourceSettings
  /** Where files found at start-up without a checkpoint are read from (later files: start). */
  startAt?: 'start' | 'end'
  maxLineBytes?: number
  /** Idle ms before a line without newline is handed on as partial (default 5000). */
  partialAfterMs?: number
  /** Ms between stat sweeps of known files (default 250). */
  pollMs?: number
  /** Ms between glob rescans for new files (default 1000). */
  rescanMs?: number
  /** Handles kept open at most, besides renamed or deleted files being drained (default 256). */
  maxOpenFiles?: number
  /** Bytes per read call (default 256 KiB). */
  chunkBytes?: number
  /** Bytes read from one file before the others get a turn (default 4 MiB). */
  turnBytes?: number
  /** Events after which a batch is handed to the sink (default 10000; it may hold one read's more). */
  batchEvents?: number
  /** Ms a renamed or deleted file stays open after it stopped growing (default 30000). */
  drainGraceMs?: number
  /** First wait in ms after a failed batch; doubles up to 30 s (default 1000). */
  retryMs?: number
  /** The rules' line gate in force, asked at every read (default: none, every line is read). */
  gate?: () => LineGate | null
}

export type TailerSettings = Required<Omit<TailerOptions, 'checkpoints' | 'settings' | 'cwd'>> & {
  cwd: string
  settings: (path: string) => SourceSettings
}

/** The options with every default filled in. */
export function tailerSettings(options: TailerOptions): TailerSettings {
  const given = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<TailerOptions>

  return {
    startAt: 'start',
    maxLineBytes: 1024 * 1024,
    partialAfterMs: 5000,
    pollMs: 250,
    rescanMs: 1000,
    maxOpenFiles: 256,
    chunkBytes: 256 * 1024,
    turnBytes: 4 * 1024 * 1024,
    batchEvents: 10_000,
    gate: () => null,
    drainGraceMs: 30_000,
    retryMs: 1000,
    ...given,
    cwd: options.cwd ?? process.cwd(),
    settings: options.settings ?? ((path) => ({ path })),
  } as TailerSettings
}
