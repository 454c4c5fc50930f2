import { counter } from '../../observability/metrics.js'
import type { Level, LogEvent } from '../event.js'

import type { LineFormat, ParsedLine } from './format.js'
import { plainFormat } from './formats/plain.js'

const fallbacks = counter(
  'alims_parse_fallbacks_total',
  'Events whose format was recognised but whose text it could not read (e.g. invalid JSON), read as plain text instead',
  ['format'],
)

/** The read time shared by the events made between two clock readings (epoch ms). */
export interface ReadClock {
  readonly time: number
}

/** What all events of one file share. */
export interface EventOrigin {
  /** The file's path as watched. */
  source: string
  /** The service of events that name none. */
  defaultService: string
}

/**
 * A LogEvent whose level, offsets and raw text are set when it is made and whose time,
 * message, service, fields and format are parsed from its first line on first access: most
 * events are only looked at for their level. `toJSON` gives all fields; note that object spread
 * (`{...event}`) copies only the eager ones.
 */
export class ParsedEvent implements LogEvent {
  readonly source: string
  readonly offset: number
  readonly end: number
  readonly line: number
  readonly level: Level
  readonly raw: string
  /** True when a line was cut at the line limit or lines were dropped at the event limit. */
  readonly truncated: boolean
  /**
   * The format the line was detected in, known without reading it: `format` is this one, or
   * `plain` when the format could not read the line after all.
   */
  readonly detectedFormat: string
  readonly #origin: EventOrigin
  readonly #tail: string | null
  readonly #clock: ReadClock
  #format: LineFormat
  #parsed: ParsedLine | null = null

  /**
   * Time, message, service and fields come from the first line of `raw`; `tail` is the last
   * line of a multi-line event (the message of a bare Python traceback), null for one line.
   */
  constructor(
    origin: EventOrigin,
    offset: number,
    end: number,
    line: number,
    level: Level,
    raw: string,
    truncated: boolean,
    format: LineFormat,
    tail: string | null,
    clock: ReadClock,
  ) {
    this.source = origin.source
    this.offset = offset
    this.end = end
    this.line = line
    this.level = level
    this.raw = raw
    this.truncated = truncated
    this.detectedFormat = format.name
    this.#origin = origin
    this.#format = format
    this.#tail = tail
    this.#clock = clock
  }

  #read(): ParsedLine {
    if (this.#parsed !== null) return this.#parsed

    const raw = this.raw
    const head = this.#tail === null ? raw : raw.slice(0, raw.indexOf('\n'))
    let parsed: ParsedLine | null = null
    try {
      parsed = this.#format.parse(head, this.#clock.time)
    } catch {
      // A format that cannot read its own line after all: the plain fallback reads it.
    }
    if (parsed === null) {
      fallbacks.inc({ format: this.#format.name })
      this.#format = plainFormat
      parsed = { timestamp: NaN, message: head, service: null, fields: {} }
    }
    if (this.#tail !== null && head.startsWith('Traceback (most recent call last)')) {
      parsed = { ...parsed, message: this.#tail }
    }
    this.#parsed = parsed

    return parsed
  }

  get format(): string {
    this.#read()

    return this.#format.name
  }

  get timestamp(): number {
    const time = this.#read().timestamp

    return Number.isNaN(time) ? this.#clock.time : time
  }

  get hasTimestamp(): boolean {
    return !Number.isNaN(this.#read().timestamp)
  }

  get message(): string {
    return this.#read().message
  }

  get service(): string {
    return this.#read().service ?? this.#origin.defaultService
  }

  get fields(): Record<string, unknown> {
    return this.#read().fields
  }

  /** All fields as a plain object (what JSON.stringify writes). */
  toJSON(): LogEvent & { truncated: boolean } {
    return {
      source: this.source,
      offset: this.offset,
      end: this.end,
      line: this.line,
      timestamp: this.timestamp,
      hasTimestamp: this.hasTimestamp,
      level: this.level,
      message: this.message,
      service: this.service,
      format: this.format,
      fields: this.fields,
      raw: this.raw,
      truncated: this.truncated,
    }
  }
}
