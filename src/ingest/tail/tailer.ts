import { open } from 'node:fs/promises'

import type { Checkpoint } from '../checkpoint.js'
import type { LogEvent } from '../event.js'

import { DirWatcher } from './dir-watcher.js'
import { globFiles, statAll, watchedDirs, type Seen } from './glob-scan.js'
import { ingestMetrics } from './ingest-metrics.js'
import { indexCheckpoints, resumePoint, type CheckpointIndex } from './resume-point.js'
import { SourceReader } from './source-reader.js'
import { tailerSettings, type TailerOptions, type TailerSettings } from './tailer-options.js'
import { TrackedFile } from './tracked-file.js'

export type { TailerOptions } from './tailer-options.js'

/** The sink failed to store a batch: everything read since the last stored batch is read again. */
class SinkFailure extends Error {
  constructor(cause: unknown) {
    super('batch not stored', { cause })
    this.name = 'SinkFailure'
  }
}

/** Checkpoints of files no longer followed that the tailer keeps in memory. */
const REMEMBERED_CHECKPOINTS = 10_000

/**
 * Follows the files matching a set of globs: new files within a rescan (1 s), appended lines
 * within a poll (250 ms) or at once on an fs event. Files are known by device, inode and head
 * hash, so renames, copytruncate, truncation, deletion, re-creation, symlinks and rotated
 * siblings are told apart (docs/decisions/004-tailing-files.md). Lines go through the splitter and the
 * file's assembler; events and checkpoints are handed to the sink in batches, and reading
 * waits for each batch to be stored. A checkpoint never passes bytes not handed on.
 */
export class Tailer {
  readonly #o: TailerSettings
  readonly #files = new Map<string, TrackedFile>()
  readonly #committed = new Map<string, Checkpoint>()
  readonly #watcher: DirWatcher
  readonly #buffer: Buffer
  #index: CheckpointIndex | null = null
  #events: LogEvent[] = []
  #orphans: Checkpoint[] = []
  readonly #refused = new Map<string, string>()
  #running = false
  #loop: Promise<void> | null = null
  #wake: (() => void) | null = null
  #woken = false
  #rescanDue = true
  #lastScan = 0
  #firstScan = true
  #waiters: (() => void)[] = []

  constructor(options: TailerOptions) {
    this.#o = tailerSettings(options)
    // Kept oldest first (stored checkpoints come newest first) so that the index lists the
    // newest checkpoint of an inode first.
    for (const checkpoint of [...(options.checkpoints ?? [])].reverse()) {
      this.#committed.set(checkpoint.identity, checkpoint)
    }
    this.#buffer = Buffer.allocUnsafe(this.#o.chunkBytes)
    this.#watcher = new DirWatcher((_dir, kind) => {
      if (kind === 'rename') this.#rescanDue = true
      this.#poke()
    }, this.#o.log)
  }

  /** Starts following; returns at once, the first sweep runs in the background. */
  start(): void {
    if (this.#running) return

    this.#running = true
    this.#loop = this.#run()
    this.#o.log.info({ globs: this.#o.globs }, 'tailer started')
  }

  /** Stops after the sweep in progress; held lines stay unread (their checkpoint is before them). */
  async stop(): Promise<void> {
    this.#running = false
    this.#poke()
    await this.#loop
    this.#loop = null
    this.#watcher.close()
    await Promise.all([...this.#files.values()].map((f) => f.closeHandle()))
    this.#files.clear()
    ingestMetrics.filesWatched.set(0)
    ingestMetrics.openFiles.set(0)
    for (const wake of this.#waiters.splice(0)) wake()
    this.#o.log.info('tailer stopped')
  }

  /**
   * Resolves once a full sweep (glob rescan included) that started after this call has ended:
   * everything the files held at the call has then been read and handed to the sink.
   */
  settled(): Promise<void> {
    this.#rescanDue = true

    return new Promise((resolve) => {
      if (!this.#running) {
        resolve()

        return
      }
      this.#waiters.push(resolve)
      this.#poke()
    })
  }

  /** Live checkpoints of the files followed now (what `processed_logs` will say next). */
  sources(): Checkpoint[] {
    return [...this.#files.values()].map((f) => f.reader.checkpoint())
  }

  async #run(): Promise<void> {
    let failures = 0
    while (this.#running) {
      const waiters = this.#waiters.splice(0)
      let more = false
      try {
        more = await this.#sweep()
        failures = 0
      } catch (err) {
        failures += 1
        this.#o.log.error(
          { err, failures },
          'tail batch failed, reading again from the stored checkpoints',
        )
        await this.#rewind()
        await this.#pause(Math.min(this.#o.retryMs * 2 ** (failures - 1), 30_000))
      }
      for (const wake of waiters) wake()
      if (!more && this.#isRunning()) await this.#pause(this.#o.pollMs)
    }
  }

  // A method, not the field: the field changes across awaits, which type narrowing ignores.
  #isRunning(): boolean {
    return this.#running
  }

  #poke(): void {
    if (this.#wake === null) this.#woken = true
    else this.#wake()
  }

  #pause(ms: number): Promise<void> {
    if (this.#woken) {
      // Woken during the sweep (fs event, settled()): sweep again after a short breath.
      this.#woken = false
      ms = Math.min(ms, 5)
    }

    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.#wake = null
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.#wake = done
    })
  }

  async #sweep(): Promise<boolean> {
    const now = Date.now()
    let seen = await this.#statKnown()
    if (seen === null || this.#rescanDue || now - this.#lastScan >= this.#o.rescanMs) {
      seen = await this.#scan(now)
    }
    let more = false
    for (const file of [...this.#files.values()]) {
      if (!this.#isRunning()) break
      const outcome = await this.#readTurn(file, seen, now)
      if (outcome === 'more') more = true
    }
    for (const file of this.#files.values()) file.reader.tick(this.#events, now)
    await this.#retireDrained(now)
    await this.#commit()
    this.#firstScan = false
    ingestMetrics.filesWatched.set(this.#files.size)

    return more
  }

  /** Stats the known paths; null when one of them changed file (time for a rescan). */
  async #statKnown(): Promise<Map<string, Seen> | null> {
    const attached = [...this.#files.values()].filter((f) => !f.detached)
    const seen = await statAll(attached.map((f) => f.path))
    for (const file of attached) {
      if (seen.get(file.inode)?.path !== file.path) return null
    }

    return seen
  }

  async #scan(now: number): Promise<Map<string, Seen>> {
    this.#rescanDue = false
    this.#lastScan = now
    const paths = await globFiles(this.#o.globs, this.#o.cwd)
    const seen = await statAll(paths, (inode) => this.#files.get(inode)?.path)

    for (const file of this.#files.values()) {
      const at = seen.get(file.inode)
      if (at !== undefined) {
        if (at.path !== file.path) this.#moved(file, at.path)
        file.detached = false
      } else if (!file.detached) {
        await this.#detach(file, now)
      }
    }
    for (const [inode, at] of seen) {
      if (!this.#files.has(inode)) await this.#adopt(at.path)
    }
    this.#watchDirs()

    return seen
  }

  #moved(file: TrackedFile, path: string): void {
    this.#o.log.info({ file: file.path, to: path }, 'file renamed')
    ingestMetrics.rotations.inc({ kind: 'renamed' })
    file.reader.path = path
    file.changed = true
  }

  async #detach(file: TrackedFile, now: number): Promise<void> {
    if (file.handle === null && (await file.reopen()) === 'moved') {
      const lost = Math.max(0, file.reader.size - file.reader.readOffset)
      this.#o.log.warn(
        { file: file.path, offset: file.reader.readOffset, lost },
        'file gone before it was read to its end',
      )
      file.reader.count('lost_bytes', lost)
      file.reader.noteError('file renamed or deleted while it was not open')
      this.#orphans.push(file.reader.checkpoint())
      this.#files.delete(file.inode)

      return
    }
    this.#o.log.info(
      { file: file.path, offset: file.reader.readOffset },
      'file renamed or deleted, draining it',
    )
    ingestMetrics.rotations.inc({ kind: 'detached' })
    file.detached = true
    file.lastGrowthAt = now
  }

  async #adopt(path: string): Promise<void> {
    let handle
    try {
      handle = await open(path, 'r')
    } catch (err) {
      this.#refuse(path, err)

      return
    }
    try {
      const fresh = this.#firstScan ? this.#o.startAt : 'start'
      this.#index ??= indexCheckpoints([...this.#committed.values()].reverse())
      const { start, lostBytes } = await resumePoint(handle, path, this.#index, fresh)
      const settings = this.#o.settings(path)
      const options = {
        assembler: this.#o.assemblers(settings),
        maxLineBytes: this.#o.maxLineBytes,
        partialAfterMs: this.#o.partialAfterMs,
        log: this.#o.log,
        gate: this.#o.gate,
      }
      const reader = new SourceReader(start, options)
      const file = new TrackedFile(
        reader,
        options,
        handle,
        start.resumed?.identity ?? null,
        Date.now(),
      )
      if (this.#files.has(file.inode)) {
        await handle.close()

        return
      }
      if (lostBytes > 0) {
        this.#o.log.warn(
          { file: path, lost: lostBytes },
          'file truncated or replaced while stopped',
        )
        ingestMetrics.bytesSkipped.inc({ reason: 'lost_bytes' }, lostBytes)
        reader.count('lost_bytes', lostBytes)
      }
      this.#files.set(file.inode, file)
      this.#o.log.info(
        { file: path, offset: start.offset, resumed: start.resumed !== null },
        'file followed',
      )
      await this.#limitHandles(file)
      this.#refused.delete(path)
    } catch (err) {
      await handle.close().catch(() => undefined)
      this.#refuse(path, err)
    }
  }

  /** Logs once per path and reason why a matching file is not followed; rescans try again. */
  #refuse(path: string, err: unknown): void {
    const reason =
      (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : 'unknown')
    if (this.#refused.get(path) === reason) return

    this.#refused.set(path, reason)
    this.#o.log.warn({ file: path, err }, 'file not followed')
  }

  async #readTurn(file: TrackedFile, seen: Map<string, Seen>, now: number): Promise<string> {
    const at = seen.get(file.inode)
    const unchanged =
      at !== undefined && at.size === file.reader.readOffset && at.size === file.reader.size
    if (!file.detached && unchanged) return 'idle'

    try {
      const outcome = await file.read({
        buffer: this.#buffer,
        events: this.#events,
        budget: this.#o.turnBytes,
        flushIfFull: () =>
          this.#events.length >= this.#o.batchEvents ? this.#commit() : Promise.resolve(),
        log: this.#o.log,
        now,
      })
      if (outcome === 'moved') this.#rescanDue = true
      else await this.#limitHandles(file)

      return outcome
    } catch (err) {
      // A batch the store refused is not the file's fault: the sweep fails and rewinds.
      if (err instanceof SinkFailure) throw err

      ingestMetrics.readErrors.inc()
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO'
      this.#o.log.warn({ file: file.path, offset: file.reader.readOffset, err }, 'file read failed')
      file.reader.noteError(`read failed: ${code}`)
      file.changed = true
      await file.closeHandle()

      return 'idle'
    }
  }

  /** Closes drained renamed or deleted files once they stopped growing for the grace time. */
  async #retireDrained(now: number): Promise<void> {
    for (const file of [...this.#files.values()]) {
      if (!file.detached || file.reader.readOffset < file.reader.size) continue
      if (now - file.lastGrowthAt < this.#o.drainGraceMs) continue

      // Nothing more will be appended: what the file still holds is complete.
      file.reader.finish(this.#events, now)
      this.#orphans.push(...file.retired, file.reader.checkpoint())
      this.#files.delete(file.inode)
      await file.closeHandle()
      this.#o.log.info(
        { file: file.path, offset: file.reader.readOffset },
        'file drained and closed',
      )
    }
  }

  async #limitHandles(current: TrackedFile): Promise<void> {
    const open = [...this.#files.values()].filter((f) => f.handle !== null)
    ingestMetrics.openFiles.set(open.length)
    if (open.length <= this.#o.maxOpenFiles) return

    const closable = open
      .filter((f) => !f.detached && f !== current)
      .sort((a, b) => a.lastUse - b.lastUse)
      .slice(0, open.length - this.#o.maxOpenFiles)
    for (const file of closable) await file.closeHandle()
    ingestMetrics.openFiles.set(open.length - closable.length)
  }

  async #commit(): Promise<void> {
    const checkpoints = this.#orphans
    let gated = 0
    for (const file of this.#files.values()) {
      gated += file.reader.takeGated()
      checkpoints.push(...file.retired)
      if (!file.changed && !file.reader.dirty) continue

      const checkpoint = file.reader.checkpoint()
      const stored = this.#committed.get(checkpoint.identity)
      if (stored === undefined || JSON.stringify(stored) !== JSON.stringify(checkpoint)) {
        checkpoints.push(checkpoint)
      }
    }
    if (this.#events.length === 0 && checkpoints.length === 0 && gated === 0) return

    // Emptied in place: a file being read keeps appending to this same array.
    const events = this.#events.splice(0)
    this.#orphans = []
    try {
      await this.#o.sink.commit({ events, checkpoints, gated })
    } catch (err) {
      throw new SinkFailure(err)
    }
    for (const checkpoint of checkpoints) {
      if (checkpoint.previousIdentity !== undefined)
        this.#committed.delete(checkpoint.previousIdentity)
      this.#committed.delete(checkpoint.identity)
      this.#committed.set(checkpoint.identity, { ...checkpoint, previousIdentity: undefined })
    }
    this.#forgetOldest()
    this.#index = null
    for (const file of this.#files.values()) {
      file.retired = []
      file.changed = false
      file.reader.dirty = false
      file.storedIdentity = file.reader.key
      file.reader.previousIdentity = null
    }
  }

  /**
   * Keeps the remembered checkpoints of files no longer followed (drained rotations) to the
   * newest REMEMBERED_CHECKPOINTS, so that a worker running for months does not grow with every
   * rotation. A forgotten file that a glob matches again is found by its stored row at restart.
   */
  #forgetOldest(): void {
    let excess = this.#committed.size - this.#files.size - REMEMBERED_CHECKPOINTS
    if (excess <= 0) return

    const followed = new Set([...this.#files.values()].map((f) => f.reader.key))
    for (const identity of this.#committed.keys()) {
      if (excess <= 0) break
      if (followed.has(identity)) continue

      this.#committed.delete(identity)
      excess -= 1
    }
  }

  /** After a failed batch: forget all read state and resume from the stored checkpoints. */
  async #rewind(): Promise<void> {
    await Promise.all([...this.#files.values()].map((f) => f.closeHandle()))
    this.#files.clear()
    this.#events.length = 0
    this.#orphans = []
    this.#index = null
    this.#rescanDue = true
  }

  #watchDirs(): void {
    const followed = [...this.#files.values()].filter((f) => !f.detached).map((f) => f.path)
    this.#watcher.set(watchedDirs(this.#o.globs, this.#o.cwd, followed))
  }
}
