import type { Logger } from '../../observability/logger.js'
import type { LineGate } from '../classify/line-gate.js'
import type { Checkpoint } from '../checkpoint.js'
import type { LogEvent } from '../event.js'
import type { EventAssembler, Line } from '../line.js'
import {
  gatedText,
  LineSplitter,
  type SplitIssue,
  type SplitReason,
} from '../split/line-splitter.js'

import { identityKey, type FileIdentity } from './file-identity.js'
import { ingestMetrics } from './ingest-metrics.js'

/** Where a reader starts in its file and the counters it continues. */
export interface ReaderStart {
  path: string
  identity: FileIdentity
  offset: number
  /** Newlines before `offset`. */
  linesBefore: number
  /** True when `offset` is inside a line whose start was handed on as partial. */
  continuation: boolean
  /** The checkpoint resumed from, whose counters continue; null for a file read afresh. */
  resumed: Checkpoint | null
  /** The stored identity of this file when its head has grown since (its row is replaced). */
  previousIdentity?: string | null
}

export interface SourceReaderOptions {
  assembler: EventAssembler
  maxLineBytes: number
  partialAfterMs: number
  log: Logger
  /** The rules' line gate in force (asked at every read, so a reload takes effect); none: read every line. */
  gate?: () => LineGate | null
}

const PHRASES: Record<SplitReason, string> = {
  truncated_line: 'line truncated',
  invalid_utf8: 'invalid utf-8 replaced',
  partial_line: 'partial line handed on',
  nul_bytes: 'nul bytes skipped',
}

interface HeldMark {
  offset: number
  linesBefore: number
}

function findLine(lines: readonly Line[], offset: number): Line | undefined {
  let low = 0
  let high = lines.length - 1
  while (low <= high) {
    const mid = (low + high) >> 1
    const line = lines[mid]
    if (line === undefined) break
    if (line.offset === offset) return line
    if (line.offset < offset) low = mid + 1
    else high = mid - 1
  }

  return undefined
}

function decodedCopy(line: Line, text: string): Line {
  return {
    text,
    offset: line.offset,
    end: line.end,
    number: line.number,
    truncated: line.truncated,
    partial: line.partial,
    continuation: line.continuation ?? false,
    gated: false,
  }
}

/**
 * One file being read: splitter, assembler and counters, and the checkpoint it may store.
 * The checkpoint never passes a byte that was not handed on: it stops at the first line of an
 * event the assembler still holds, or at the start of a line still waiting for its newline.
 */
export class SourceReader {
  path: string
  identity: FileIdentity
  previousIdentity: string | null = null
  /** File size when last looked at. */
  size = 0
  /** True when lines, events or counters changed since the flag was last cleared. */
  dirty = false
  readonly #options: SourceReaderOptions
  readonly #splitter: LineSplitter
  readonly #skipped: Record<string, number>
  readonly #warned = new Set<SplitReason>()
  readonly #lines: Line[] = []
  #held: HeldMark | null = null
  #events: number
  #gated = 0
  #lastEventAt: number | null
  #lastError: string | null

  constructor(start: ReaderStart, options: SourceReaderOptions) {
    this.path = start.path
    this.identity = start.identity
    this.previousIdentity = start.previousIdentity ?? null
    this.size = start.offset
    this.#options = options
    this.#splitter = new LineSplitter({
      offset: start.offset,
      linesBefore: start.linesBefore,
      continuation: start.continuation,
      maxLineBytes: options.maxLineBytes,
      partialAfterMs: options.partialAfterMs,
      onIssue: (issue) => {
        this.#issue(issue)
      },
    })
    this.#skipped = { ...(start.resumed?.skipped ?? {}) }
    this.#events = start.resumed?.events ?? 0
    this.#lastEventAt = start.resumed?.lastEventAt ?? null
    this.#lastError = start.resumed?.lastError ?? null
  }

  /** Offset of the next byte to read. */
  get readOffset(): number {
    return this.#splitter.offset
  }

  /** Identity string of the file. */
  get key(): string {
    return identityKey(this.identity)
  }

  /** Splits `chunk` (the bytes at `readOffset`) and hands its lines to the assembler. */
  consume(chunk: Buffer, events: LogEvent[], now = Date.now()): void {
    ingestMetrics.bytesRead.inc(chunk.length)
    const offset = this.#splitter.offset
    this.#splitter.push(chunk, this.#lines, now, this.#options.gate?.() ?? null)
    this.#hand(events, now, chunk, offset)
  }

  /** Events passed over by the line gate since the last call (counted, never built). */
  takeGated(): number {
    const gated = this.#gated
    this.#gated = 0

    return gated
  }

  /** Hands on what waited long enough: a line without newline, an event whose join wait ended. */
  tick(events: LogEvent[], now = Date.now()): void {
    this.#splitter.flushIdle(this.#lines, now)
    this.#hand(events, now)
    this.#flushAssembler(events, false, now)
  }

  /** Hands on everything held: end of a one-shot read, or before reading a truncated file anew. */
  finish(events: LogEvent[], now = Date.now()): void {
    this.#splitter.flushPartial(this.#lines)
    this.#hand(events, now)
    this.#flushAssembler(events, true, now)
  }

  /** Adds to a counter of skipped lines or bytes, e.g. `lost_bytes`. */
  count(reason: string, amount: number): void {
    this.dirty = true
    this.#skipped[reason] = (this.#skipped[reason] ?? 0) + amount
  }

  /** Records the latest problem with this file, shown in the sources list. */
  noteError(message: string | null): void {
    this.dirty = true
    this.#lastError = message
  }

  /** The checkpoint to store once the events handed on so far are stored. */
  checkpoint(): Checkpoint {
    const consumed = this.#splitter.consumedOffset
    const held = this.#held !== null && this.#held.offset < consumed ? this.#held : null
    const counts = this.#splitter.counts
    const skipped = { ...this.#skipped }
    const add = (key: string, value: number) => {
      if (value > 0) skipped[key] = (skipped[key] ?? 0) + value
    }
    add('truncated_line', counts.truncatedLines)
    add('truncated_bytes', counts.truncatedBytes)
    add('invalid_utf8', counts.invalidUtf8Lines)
    add('partial_line', counts.partialLines)
    add('nul_bytes', counts.nulBytes)

    return {
      identity: this.key,
      path: this.path,
      device: this.identity.device,
      inode: this.identity.inode,
      headHash: this.identity.headHash,
      headLength: this.identity.headLength,
      ...(this.previousIdentity === null ? {} : { previousIdentity: this.previousIdentity }),
      offset: held?.offset ?? consumed,
      size: Math.max(this.size, this.#splitter.offset),
      linesRead: held?.linesBefore ?? this.#splitter.linesBefore,
      events: this.#events,
      skipped,
      lastEventAt: this.#lastEventAt,
      lastError: this.#lastError,
    }
  }

  #hand(events: LogEvent[], now: number, chunk?: Buffer, chunkOffset = 0): void {
    const lines = this.#lines
    if (lines.length === 0) return

    this.dirty = true
    const before = events.length
    const assembler = this.#options.assembler
    let gated = 0
    // Indexed: a loop over a million lines a second is hot enough for its iterator to count.
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as Line
      if (line.gated === true) {
        if (chunk === undefined) throw new Error('a gated line outlived its chunk')
        if (assembler.skip(line, events, chunk, line.offset - chunkOffset)) {
          gated++
          continue
        }
        // A copy: the splitter reuses gated lines, and the assembler may keep this one.
        assembler.push(decodedCopy(line, gatedText(chunk, chunkOffset, line)), events)
        continue
      }
      assembler.push(line, events)
    }
    ingestMetrics.linesRead.inc(lines.length)
    if (gated > 0) ingestMetrics.linesGated.inc(gated)
    this.#markHeld(lines)
    lines.length = 0
    this.#gated += gated
    this.#counted(events.length - before + gated, now)
  }

  #flushAssembler(events: LogEvent[], force: boolean, now: number): void {
    const before = events.length
    this.#options.assembler.flush(events, force, now)
    this.#markHeld([])
    this.#counted(events.length - before, now)
  }

  #counted(added: number, now: number): void {
    if (added <= 0) return

    this.dirty = true
    this.#events += added
    this.#lastEventAt = now
  }

  #markHeld(lines: readonly Line[]): void {
    const offset = this.#options.assembler.heldOffset()
    if (offset === null) {
      this.#held = null

      return
    }
    if (this.#held?.offset === offset) return

    const line = findLine(lines, offset)
    if (line === undefined) {
      // The assembler holds a line this reader never gave it; resume there with the best
      // line count known rather than lose the held bytes.
      this.#options.log.debug({ file: this.path, offset }, 'held line not found')
      this.#held = { offset, linesBefore: this.#splitter.linesBefore }

      return
    }
    this.#held = { offset, linesBefore: line.number - 1 }
  }

  #issue(issue: SplitIssue): void {
    const bytes = issue.reason === 'nul_bytes'
    if (bytes) ingestMetrics.bytesSkipped.inc({ reason: issue.reason }, issue.length)
    else ingestMetrics.linesFlagged.inc({ reason: issue.reason })

    const fields = {
      file: this.path,
      offset: issue.offset,
      length: issue.length,
      reason: issue.reason,
    }
    // The first of a kind per file is worth an operator's attention; the rest are counted.
    if (this.#warned.has(issue.reason)) {
      this.#options.log.debug(fields, PHRASES[issue.reason])
    } else {
      this.#warned.add(issue.reason)
      this.#options.log.warn(fields, PHRASES[issue.reason])
    }
  }
}
