import type { Level, LogEvent } from '../event.js'
import { levelRank } from '../event.js'
import type { EventAssembler, Line, SourceSettings } from '../line.js'

import { continues, openingState, type HeldTrace, type TraceState } from './continuation.js'
import { FormatDetector } from './detect.js'
import type { LineFormat } from './format.js'
import { jsonFormat } from './formats/json.js'
import { plainFormat } from './formats/index.js'
import { ParsedEvent } from './parsed-event.js'

/** Limits and clock of an assembler. */
export interface AssemblerOptions {
  /** How long a held event waits for more lines before `flush` hands it on; default 500 ms. */
  joinWaitMs?: number
  /** Lines kept in one event's raw text; later lines still extend it but are dropped. */
  maxEventLines?: number
  /** Characters kept in one event's raw text (default 1 MiB). */
  maxEventChars?: number
  /** The clock, for tests; default Date.now. */
  now?: () => number
}

const WARN_RANK = levelRank('warn')

/**
 * Joins one file's lines into events (stack traces become one event) and detects each event's
 * format and level from its first line. JSON lines are always events of their own and are
 * handed on at once, even while a plain-text trace they interleave with is still held.
 */
export class LineAssembler implements EventAssembler {
  readonly #source: string
  readonly #defaultService: string
  readonly #multilineStart: RegExp | null
  readonly #detector: FormatDetector
  readonly #joinWaitMs: number
  readonly #maxLines: number
  readonly #maxChars: number
  readonly #now: () => number

  // The held event: its first line, what was joined, and the trace it is in.
  #first: Line | null = null
  #format: LineFormat = plainFormat
  #level: Level = 'info'
  #parts: string[] = []
  #chars = 0
  #end = 0
  #truncated = false
  #isTrace = false
  #lastAt = 0
  #readTime = 0
  readonly #trace: HeldTrace = { state: 'none', lines: 0, isAlarm: false, head: '' }

  constructor(
    source: SourceSettings,
    defaultService: string,
    forced: LineFormat | null,
    options: AssemblerOptions = {},
  ) {
    this.#source = source.path
    this.#defaultService = defaultService
    this.#multilineStart = source.multilineStart ?? null
    this.#detector = new FormatDetector(forced)
    this.#joinWaitMs = Math.min(options.joinWaitMs ?? 500, 1000)
    this.#maxLines = options.maxEventLines ?? 2000
    this.#maxChars = options.maxEventChars ?? 1024 * 1024
    this.#now = options.now ?? Date.now
  }

  push(line: Line, out: LogEvent[]): void {
    const text = line.text
    const now = this.#now()
    const detector = this.#detector
    if (text.charCodeAt(0) === 123 && jsonFormat.scan(text) !== undefined) {
      // JSON records never take continuation lines; a held trace stays held around them.
      const format = detector.detect(text)
      out.push(this.#single(line, format, detector.level, now))

      return
    }

    if (this.#first !== null) {
      const first = text.charCodeAt(0)
      const indented = first === 32 || first === 9 || text.length === 0
      const format = indented ? plainFormat : detector.detect(text)
      const verdict = continues(text, this.#trace, format !== plainFormat)
      const pattern = this.#multilineStart
      if (verdict.continues || (pattern !== null && !indented && !pattern.test(text))) {
        this.#append(line, verdict.continues ? verdict.state : this.#trace.state, verdict.isTrace)
        this.#lastAt = now

        return
      }

      this.#emit(out)
      this.#open(line, format, detector.level, now)

      return
    }

    if (text.trim() === '') return

    this.#open(line, detector.detect(text), detector.level, now)
  }

  flush(out: LogEvent[], force: boolean, now?: number): void {
    if (this.#first === null) return
    if (force || (now ?? this.#now()) - this.#lastAt >= this.#joinWaitMs) this.#emit(out)
  }

  heldOffset(): number | null {
    return this.#first === null ? null : this.#first.offset
  }

  #single(line: Line, format: LineFormat, level: Level, now: number): LogEvent {
    return new ParsedEvent({
      source: this.#source,
      offset: line.offset,
      end: line.end,
      line: line.number,
      level,
      raw: line.text,
      truncated: line.truncated,
      format,
      head: line.text,
      tail: null,
      readTime: now,
      defaultService: this.#defaultService,
    })
  }

  #open(line: Line, format: LineFormat, level: Level, now: number): void {
    this.#first = line
    this.#format = format
    this.#level = level
    this.#parts.length = 0
    this.#parts.push(line.text)
    this.#chars = line.text.length
    this.#end = line.end
    this.#truncated = line.truncated
    this.#lastAt = now
    this.#readTime = now
    const trace = this.#trace
    trace.state = openingState(line.text, format === plainFormat)
    trace.lines = 1
    trace.isAlarm = levelRank(level) >= WARN_RANK
    trace.head = line.text
    this.#isTrace = trace.state !== 'none'
  }

  #append(line: Line, state: TraceState, isTrace: boolean): void {
    const trace = this.#trace
    trace.state = state
    trace.lines++
    this.#end = line.end
    if (isTrace) this.#isTrace = true
    if (line.truncated) this.#truncated = true
    if (this.#parts.length >= this.#maxLines || this.#chars + line.text.length > this.#maxChars) {
      this.#truncated = true

      return
    }

    this.#parts.push(line.text)
    this.#chars += line.text.length + 1
  }

  #emit(out: LogEvent[]): void {
    const first = this.#first
    if (first === null) return

    const parts = this.#parts
    let count = parts.length
    while (count > 1 && (parts[count - 1] ?? '').trim() === '') count--
    const raw = count === 1 ? (parts[0] ?? '') : parts.slice(0, count).join('\n')
    let level = this.#level
    // A trace under a line without a level of its own is a crash: error at least.
    if (this.#isTrace && this.#format === plainFormat && levelRank(level) < WARN_RANK) {
      level = 'error'
    }

    out.push(
      new ParsedEvent({
        source: this.#source,
        offset: first.offset,
        end: this.#end,
        line: first.number,
        level,
        raw,
        truncated: this.#truncated,
        format: this.#format,
        head: first.text,
        tail: count > 1 ? (parts[count - 1] ?? '').trim() : null,
        readTime: this.#readTime,
        defaultService: this.#defaultService,
      }),
    )
    this.#first = null
    parts.length = 0
  }
}
