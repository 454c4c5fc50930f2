import type { Severity } from '../incidents/severity.js'

export type { Severity } from '../incidents/severity.js'

/** Normalized log levels, lowest first. */
export const LEVELS = ['trace', 'debug', 'info', 'notice', 'warn', 'error', 'fatal'] as const
export type Level = (typeof LEVELS)[number]

/** Rank of a level for comparisons: trace 0 … fatal 6. */
export function levelRank(level: Level): number {
  return LEVELS.indexOf(level)
}

/**
 * One parsed log record: one line, or several joined (a stack trace). Offsets are bytes in
 * the source file; `end` is the offset just past the record's last newline, which is what a
 * checkpoint may advance to once the record is stored.
 */
export interface LogEvent {
  /** Path of the file the record came from, as watched. */
  source: string
  /** Byte offset of the record's first line. */
  offset: number
  /** Byte offset just past the record's last line (and its newline). */
  end: number
  /** 1-based number of the record's first line in the file. */
  line: number
  /** Epoch milliseconds: the record's own time with its zone, else the read time. */
  timestamp: number
  /** False when the record had no parsable time and `timestamp` is the read time. */
  hasTimestamp: boolean
  level: Level
  message: string
  service: string
  /** Name of the format that parsed it: json, logfmt, syslog5424, access, plain, … */
  format: string
  /** Structured fields the format carried (JSON keys, logfmt pairs, access-log parts). */
  fields: Record<string, unknown>
  /** The record's text as read (lines joined with \n), invalid bytes as U+FFFD. */
  raw: string
  /** True when a line was cut at the line limit or lines beyond the event limit were dropped. */
  truncated?: boolean
}

/** What the rules decided for an event. `severity` null: not an incident. */
export interface Classification {
  severity: Severity | null
  /** True when a rule said `ignore`: noise that never becomes an incident. */
  ignored: boolean
  /** Name (or 1-based position) of the matching rule, null when none matched. */
  rule: string | null
  tags: readonly string[]
  /** A title the rule set, else null (the store uses the first message). */
  title: string | null
  /** True when the rule opts the incident out of ticketing. */
  noTicket: boolean
}

/** The group an event belongs to. */
export interface Grouping {
  /** The message with its variable parts masked, e.g. `connect to <IP>:<NUM> failed`. */
  template: string
  /** Stable hash of (service, template): the incident's key. */
  fingerprint: string
  /**
   * The template generalised by this process's Drain clustering (`<*>` where similar templates
   * differ). Informative only: it depends on what the process has seen, so it never keys anything.
   */
  pattern?: string
}

/** An event that the rules made an incident candidate, with its group. */
export interface IncidentCandidate {
  event: LogEvent
  classification: Classification & { severity: Severity }
  grouping: Grouping
}
