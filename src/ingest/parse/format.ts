import type { Level } from '../event.js'

/** What a format reads from a line beyond its level: built only when an event is looked at. */
export interface ParsedLine {
  /** Epoch ms, or NaN when the line carries no parsable time. */
  timestamp: number
  message: string
  /** The service the line names itself (field, syslog app, logger), or null. */
  service: string | null
  fields: Record<string, unknown>
}

/**
 * One log format. `scan` is the cheap part run on every line: it recognises the format and
 * finds the level without building anything. `parse` builds the rest on demand.
 */
export interface LineFormat {
  /** Stable name shown as an event's `format`: json, logfmt, syslog5424, access, plain, … */
  readonly name: string
  /** The line's level when the line is in this format, else undefined. */
  scan(text: string): Level | undefined
  /**
   * The line's time, message, service and fields; null when the line turns out not to be in
   * this format after all (then the plain-text fallback reads it). `now` is the read time.
   */
  parse(text: string, now: number): ParsedLine | null
}
