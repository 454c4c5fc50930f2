import type { LogEvent } from './event.js'

/**
 * One line of a file: its text without the newline (and without a trailing \r), invalid UTF-8
 * as U+FFFD. `offset` is the byte offset of its first byte, `end` the offset just past its
 * newline (or past its last byte when `partial`).
 */
export interface Line {
  text: string
  offset: number
  end: number
  /** 1-based line number in the file. */
  number: number
  /** True when the line was longer than the limit and `text` holds only its start. */
  truncated: boolean
  /** True when the line had no newline yet and was handed on after the idle timeout. */
  partial: boolean
  /**
   * True when the line is the rest of a line whose start was handed on as `partial` earlier:
   * the same line number, only the bytes after the partial part.
   */
  continuation?: boolean
  /**
   * True when the rules' line gate found nothing in the line that could matter, so its bytes
   * were not decoded: `text` is '' until the reader decodes it for an assembler that cannot
   * pass the line over.
   */
  gated?: boolean
}

/** Settings of one watched source that the reading stages need. */
export interface SourceSettings {
  path: string
  /** Service name for events that do not name one; default: derived from the file name. */
  service?: string
  /** Force a format instead of detecting it per line. */
  format?: string
  /** A line matching this starts a new event (multi-line joining); others continue one. */
  multilineStart?: RegExp
}

/**
 * Turns one file's lines into events: joins multi-line records (stack traces), then parses.
 * One assembler per file; it holds at most one unfinished event.
 */
export interface EventAssembler {
  /** Adds the next line; completed events are appended to `out`. */
  push(line: Line, out: LogEvent[]): void
  /**
   * Hands on the held event when its last line arrived more than the join wait ago (at most
   * 1 s), or at once when `force` is true (end of file in one-shot mode, shutdown).
   */
  flush(out: LogEvent[], force: boolean, now?: number): void
  /** Byte offset of the first line held back in an unfinished event, or null when none is. */
  heldOffset(): number | null
  /**
   * Passes over a gated line (an event of its own that cannot matter) when what the assembler
   * holds allows it, first handing on to `out` a held event that the line would have ended;
   * false when the line must be decoded and pushed after all. `bytes` holds the line's
   * undecoded bytes from `start`.
   */
  skip(line: Line, out: LogEvent[], bytes: Uint8Array, start: number): boolean
}

export type AssemblerFactory = (source: SourceSettings) => EventAssembler
