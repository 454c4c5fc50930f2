import type { Level, LogEvent } from '../event.js'

import type { LineFormat, ParsedLine } from './format.js'
import { plainFormat } from './formats/index.js'

/** What an event is built from; the assembler fills it while joining lines. */
export interface EventSeed {
  source: string
  offset: number
  end: number
  line: number
  level: Level
  raw: string
  truncated: boolean
  format: LineFormat
  /** The first line's text: time, message, service and fields come from it. */
  head: string
  /** The last line of a trace, the message of a bare Python traceback. */
  tail: string | null
  readTime: number
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
  readonly #seed: EventSeed
  #parsed: ParsedLine | null = null
  #format: LineFormat

  constructor(seed: EventSeed) {
    this.source = seed.source
    this.offset = seed.offset
    this.end = seed.end
    this.line = seed.line
    this.level = seed.level
    this.raw = seed.raw
    this.truncated = seed.truncated
    this.#seed = seed
    this.#format = seed.format
  }

  #read(): ParsedLine {
    if (this.#parsed !== null) return this.#parsed

    const seed = this.#seed
    let parsed: ParsedLine | null = null
    try {
      parsed = this.#format.parse(seed.head, seed.readTime)
    } catch {
      // A format that cannot read its own line after all: the plain fallback reads it.
    }
    if (parsed === null) {
      this.#format = plainFormat
      parsed = { timestamp: NaN, message: seed.head, service: null, fields: {} }
    }
    if (seed.tail !== null && seed.head.startsWith('Traceback (most recent call last)')) {
      parsed = { ...parsed, message: seed.tail }
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

    return Number.isNaN(time) ? this.#seed.readTime : time
  }

  get hasTimestamp(): boolean {
    return !Number.isNaN(this.#read().timestamp)
  }

  get message(): string {
    return this.#read().message
  }

  get service(): string {
    return this.#read().service ?? this.#seed.defaultService
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
