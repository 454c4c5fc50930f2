import { isAscii, isUtf8 } from 'node:buffer'

import type { LineGate } from '../classify/line-gate.js'
import type { Line } from '../line.js'

import { asciiText, charBoundary, incompleteTail, utf8Slice, utf8Text, withoutNul } from './utf8.js'

/** Why a line was altered or bytes were not turned into lines. */
export type SplitReason = 'truncated_line' | 'invalid_utf8' | 'partial_line' | 'nul_bytes'

/** One altered line or skipped byte run: where it is and how long (bytes), never its text. */
export interface SplitIssue {
  reason: SplitReason
  offset: number
  length: number
}

/** What a splitter has counted since it was created. */
export interface SplitCounts {
  lines: number
  truncatedLines: number
  /** Bytes cut from lines longer than the limit. */
  truncatedBytes: number
  invalidUtf8Lines: number
  partialLines: number
  /** NUL bytes skipped (holes left by copytruncate, binary junk). */
  nulBytes: number
}

export interface SplitterOptions {
  /** Byte offset in the file of the first byte pushed (default 0). */
  offset?: number
  /** Newlines before `offset`, so that line numbers continue after a resume (default 0). */
  linesBefore?: number
  /** True when `offset` lies inside a line whose start was already handed on as partial. */
  continuation?: boolean
  /** Longest line kept, in bytes (default 1 MiB); the rest is dropped and counted. */
  maxLineBytes?: number
  /** Milliseconds without new bytes after which a line lacking its newline is handed on (default 5000). */
  partialAfterMs?: number
  /** Told of each altered line and skipped byte run, for logs and metrics. */
  onIssue?: (issue: SplitIssue) => void
}

const DEFAULT_MAX_LINE_BYTES = 1024 * 1024

// The shape of a gated line: no text, the rest filled in per line.
const GATED: Line = {
  text: '',
  offset: 0,
  end: 0,
  number: 0,
  truncated: false,
  partial: false,
  continuation: false,
  gated: true,
}

/** The text appended to a line cut at the length limit; `dropped` is in bytes. */
export function truncationMarker(dropped: number): string {
  return ` …[truncated ${dropped} bytes]`
}

/**
 * The text of a line handed on `gated` by the push of `chunk`, whose first byte is at file
 * offset `chunkOffset`. Gated lines are valid UTF-8 and lie wholly inside their chunk.
 */
export function gatedText(chunk: Buffer, chunkOffset: number, line: Line): string {
  const start = line.offset - chunkOffset
  let end = line.end - chunkOffset - 1
  if (end > start && chunk[end - 1] === 13) end -= 1

  return utf8Slice(chunk, start, end)
}

/**
 * Splits one file's bytes into lines, chunk by chunk: \n ends a line, a \r before it is
 * stripped, offsets are bytes. A line without its newline is held (at most `maxLineBytes` of
 * it) until the newline arrives, or handed on as `partial` after `partialAfterMs` idle or a
 * forced flush: those bytes are then consumed, and the rest of that line, when its newline
 * comes, is handed on as its own line with the same number and `continuation: true` (nothing
 * is repeated; an empty rest is not handed on). Invalid UTF-8 becomes U+FFFD; bytes of a
 * sequence split across chunks are decoded together. NUL bytes are skipped and counted.
 */
export class LineSplitter {
  readonly counts: SplitCounts = {
    lines: 0,
    truncatedLines: 0,
    truncatedBytes: 0,
    invalidUtf8Lines: 0,
    partialLines: 0,
    nulBytes: 0,
  }

  readonly #max: number
  readonly #partialAfterMs: number
  readonly #onIssue: ((issue: SplitIssue) => void) | undefined
  #offset: number
  #lineStart: number
  #linesBefore: number
  #continuation: boolean
  #held: Buffer[] = []
  #heldBytes = 0
  #dropped = 0
  #lastByte = -1
  #nulInLine = false
  #heldAt = 0
  // Gated lines are dropped right after a push; their objects are reused by the next one.
  readonly #gatedPool: Line[] = []

  constructor(options: SplitterOptions = {}) {
    this.#max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES
    this.#partialAfterMs = options.partialAfterMs ?? 5000
    this.#onIssue = options.onIssue
    this.#offset = options.offset ?? 0
    this.#lineStart = this.#offset
    this.#linesBefore = options.linesBefore ?? 0
    this.#continuation = options.continuation ?? false
  }

  /** Offset just past the last byte pushed. */
  get offset(): number {
    return this.#offset
  }

  /** Offset of the first byte not yet handed on in a line or skipped: a checkpoint's limit. */
  get consumedOffset(): number {
    return this.#lineStart
  }

  /** Newlines before `consumedOffset`. */
  get linesBefore(): number {
    return this.#linesBefore
  }

  /** True when the bytes at `consumedOffset` continue a line handed on as partial. */
  get isContinuation(): boolean {
    return this.#continuation
  }

  /** True while bytes of an unfinished line are held. */
  get isHolding(): boolean {
    return this.#heldBytes > 0 || this.#dropped > 0
  }

  /**
   * Splits the next bytes of the file; complete lines are appended to `out`. With a `gate`,
   * lines of the fast path that it passes over are handed on `gated`, without their text
   * (`gatedText` decodes one while `chunk` is still at hand). A gated line is valid only until
   * the next push, which reuses it: copy one to keep it.
   */
  push(chunk: Buffer, out: Line[], now = Date.now(), gate: LineGate | null = null): void {
    const length = chunk.length
    if (length === 0) return

    const base = this.#offset
    const nul = chunk.indexOf(0) !== -1
    let pos = 0
    // The line the previous chunk ended in is finished first, so the rest can go fast.
    if (!nul && this.isHolding) {
      const newline = chunk.indexOf(10)
      if (newline !== -1) {
        this.#hold(chunk, 0, newline, base, false, now)
        this.#emitHeld(base + newline + 1, out)
        pos = newline + 1
      }
    }
    if (!nul && !this.isHolding && !this.#continuation && pos < length) {
      if (isAscii(chunk)) {
        pos = this.#pushFast(chunk, pos, base, out, false, gate)
      } else {
        const last = chunk.lastIndexOf(10)
        if (last >= pos && isUtf8(chunk.subarray(pos, last + 1))) {
          pos = this.#pushFast(chunk, pos, base, out, true, gate)
        }
      }
    }
    while (pos < length) {
      if (nul && chunk[pos] === 0 && !this.isHolding) {
        pos = this.#skipNul(chunk, pos, base)
        continue
      }

      const newline = chunk.indexOf(10, pos)
      if (newline === -1) {
        this.#hold(chunk, pos, length, base, nul, now)
        break
      }

      if (this.isHolding) {
        this.#hold(chunk, pos, newline, base, nul, now)
        this.#emitHeld(base + newline + 1, out)
      } else {
        this.#emitDirect(chunk, pos, newline, base, nul, out)
      }
      pos = newline + 1
    }

    this.#offset = base + length
    if (!this.isHolding) this.#lineStart = this.#offset
  }

  /**
   * The hot path for a chunk without NUL whose complete lines are ASCII or valid UTF-8: lines
   * of ordinary length are decoded straight from the chunk. Returns where it stopped: after
   * the last newline, or at a line too long, which the general path then handles.
   */
  #pushFast(
    chunk: Buffer,
    from: number,
    base: number,
    out: Line[],
    utf8: boolean,
    gate: LineGate | null,
  ): number {
    const max = this.#max
    let number = this.#linesBefore
    let pos = from
    const pool = this.#gatedPool
    let pooled = 0
    for (;;) {
      // With a gate, one pass over the line finds its end and whether it can be passed over.
      const newline = gate === null ? chunk.indexOf(10, pos) : gate.scanLine(chunk, pos)
      if (newline === -1) break

      const end = newline > pos && chunk[newline - 1] === 13 ? newline - 1 : newline
      if (end - pos > max) break

      number += 1
      if (gate !== null && gate.passedOver) {
        let line = pool[pooled]
        if (line === undefined) {
          line = { ...GATED }
          pool.push(line)
        }
        pooled++
        line.offset = base + pos
        line.end = base + newline + 1
        line.number = number
        out.push(line)
      } else {
        out.push({
          text: utf8 ? utf8Slice(chunk, pos, end) : asciiText(chunk, pos, end),
          offset: base + pos,
          end: base + newline + 1,
          number,
          truncated: false,
          partial: false,
          continuation: false,
          gated: false,
        })
      }
      pos = newline + 1
    }
    this.counts.lines += number - this.#linesBefore
    this.#linesBefore = number

    return pos
  }

  /** Hands on a held line as partial once no byte arrived for `partialAfterMs`. */
  flushIdle(out: Line[], now = Date.now()): void {
    if (this.isHolding && now - this.#heldAt >= this.#partialAfterMs) this.#emitPartial(out, false)
  }

  /** Hands on a held line as partial now (end of a one-shot read). */
  flushPartial(out: Line[]): void {
    if (this.isHolding) this.#emitPartial(out, true)
  }

  #skipNul(chunk: Buffer, start: number, base: number): number {
    let end = start
    while (end < chunk.length && chunk[end] === 0) end += 1
    this.counts.nulBytes += end - start
    this.#lineStart = base + end
    this.#onIssue?.({ reason: 'nul_bytes', offset: base + start, length: end - start })

    return end
  }

  #hold(chunk: Buffer, start: number, end: number, base: number, nul: boolean, now: number) {
    if (end <= start) return

    if (!this.isHolding) {
      this.#lineStart = base + start
      this.#nulInLine = false
    }
    let bytes = chunk.subarray(start, end)
    if (nul) {
      const [kept, removed] = withoutNul(chunk, start, end)
      bytes = kept
      if (removed > 0) this.#countNul(base + start, removed)
    }
    this.#lastByte = chunk[end - 1] ?? -1
    const keep = Math.min(Math.max(0, this.#max - this.#heldBytes), bytes.length)
    // Copies: the caller reuses its read buffer for the next chunk.
    if (keep > 0) this.#held.push(Buffer.from(bytes.subarray(0, keep)))
    this.#heldBytes += keep
    this.#dropped += bytes.length - keep
    this.#heldAt = now
  }

  #countNul(offset: number, removed: number): void {
    this.#nulInLine = true
    this.counts.nulBytes += removed
    this.#onIssue?.({ reason: 'nul_bytes', offset, length: removed })
  }

  #emitDirect(
    chunk: Buffer,
    start: number,
    newline: number,
    base: number,
    nul: boolean,
    out: Line[],
  ) {
    const end = newline > start && chunk[newline - 1] === 13 ? newline - 1 : newline
    const number = this.#linesBefore + 1
    const continuation = this.#continuation
    this.#linesBefore = number
    this.#continuation = false
    const [bytes, removed] = nul ? withoutNul(chunk, start, end) : [chunk.subarray(start, end), 0]
    if (removed > 0) this.#countNul(base + start, removed)
    this.#finish(bytes, 0, base + start, base + newline + 1, number, continuation, false, out)
  }

  #emitHeld(end: number, out: Line[]): void {
    if (this.#lastByte === 13) {
      if (this.#dropped > 0) this.#dropped -= 1
      else this.#heldBytes -= 1
    }
    const bytes = Buffer.concat(this.#held).subarray(0, this.#heldBytes)
    const number = this.#linesBefore + 1
    const continuation = this.#continuation
    this.#linesBefore = number
    this.#continuation = false
    this.#finish(bytes, this.#dropped, this.#lineStart, end, number, continuation, false, out)
    this.#clearHeld(end)
  }

  #emitPartial(out: Line[], force: boolean): void {
    const bytes = Buffer.concat(this.#held)
    const back =
      force || this.#dropped > 0 || this.#nulInLine ? 0 : incompleteTail(bytes, bytes.length)
    if (back === bytes.length && this.#dropped === 0) return

    const end = this.#offset - back
    let body = bytes.subarray(0, bytes.length - back)
    if (this.#dropped === 0 && body[body.length - 1] === 13) body = body.subarray(0, -1)
    if (body.length > 0 || this.#dropped > 0) {
      this.counts.partialLines += 1
      this.#onIssue?.({
        reason: 'partial_line',
        offset: this.#lineStart,
        length: end - this.#lineStart,
      })
      this.#finish(
        body,
        this.#dropped,
        this.#lineStart,
        end,
        this.#linesBefore + 1,
        this.#continuation,
        true,
        out,
      )
    }
    this.#clearHeld(end)
    this.#continuation = true
    if (back > 0) {
      this.#held = [Buffer.from(bytes.subarray(bytes.length - back))]
      this.#heldBytes = back
    }
  }

  #clearHeld(nextStart: number): void {
    this.#held = []
    this.#heldBytes = 0
    this.#dropped = 0
    this.#nulInLine = false
    this.#lineStart = nextStart
  }

  #finish(
    bytes: Buffer,
    dropped: number,
    offset: number,
    end: number,
    number: number,
    continuation: boolean,
    partial: boolean,
    out: Line[],
  ): void {
    if (continuation && !partial && bytes.length === 0 && dropped === 0) return

    const total = bytes.length + dropped
    const truncated = total > this.#max
    const keep = truncated ? charBoundary(bytes, this.#max) : bytes.length
    const { text, invalid } = utf8Text(keep === bytes.length ? bytes : bytes.subarray(0, keep))
    this.counts.lines += 1
    if (invalid) {
      this.counts.invalidUtf8Lines += 1
      this.#onIssue?.({ reason: 'invalid_utf8', offset, length: end - offset })
    }
    if (truncated) {
      this.counts.truncatedLines += 1
      this.counts.truncatedBytes += total - keep
      this.#onIssue?.({ reason: 'truncated_line', offset, length: end - offset })
    }

    out.push({
      text: truncated ? text + truncationMarker(total - keep) : text,
      offset,
      end,
      number,
      truncated,
      partial,
      continuation,
      gated: false,
    })
  }
}
