import type { Level, LogEvent } from '../event.js'
import type { EventAssembler, Line, SourceSettings } from '../line.js'

import { continues, openingState, type HeldTrace, type TraceState } from './continuation.js'
import { FormatDetector } from './detect.js'
import type { LineFormat } from './format.js'
import { jsonFormat } from './formats/json.js'
import { plainFormat } from './formats/plain.js'
import { rubyLoggerFormat } from './formats/ruby-logger.js'
import { ParsedEvent, type EventOrigin, type ReadClock } from './parsed-event.js'

/** Limits and clock of an assembler. */
export interface AssemblerOptions {
  /** How long a held event waits for more lines before `flush` hands it on; default 500 ms, at most 1 s. */
  joinWaitMs?: number
  /** Lines kept in one event's raw text (default 2000); later lines extend it but are dropped. */
  maxEventLines?: number
  /** Characters kept in one event's raw text (default 1 Mi). */
  maxEventChars?: number
  /** The clock, for tests; default Date.now. */
  now?: () => number
}

// Levels of warn and above: a record that may introduce a trace on the lines after it.
const ALARMS: Record<Level, boolean> = {
  trace: false,
  debug: false,
  info: false,
  notice: false,
  warn: true,
  error: true,
  fatal: true,
}
// Date.now() per line costs: the clock is read by the first line after a flush (a new read
// from the file) and then once per this many lines; the lines of one read arrive together.
const CLOCK_EVERY = 256

// True when `[start, end)` holds `:in `, without which no Ruby frame is written.
function holdsRubyCall(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i + 3 < end; i++) {
    if (bytes[i] === 58 && bytes[i + 1] === 105 && bytes[i + 2] === 110 && bytes[i + 3] === 32) {
      return true
    }
  }

  return false
}

/**
 * Joins one file's lines into events (stack traces become one event) and detects each event's
 * format and level from its first line. JSON lines are always events of their own; while a
 * plain-text trace they interleave with is held, they wait behind it, so events leave in
 * offset order of their first lines.
 */
export class LineAssembler implements EventAssembler {
  readonly #origin: EventOrigin
  readonly #multilineStart: RegExp | null
  readonly #detector: FormatDetector
  readonly #forced: LineFormat | null
  readonly #joinWaitMs: number
  readonly #maxLines: number
  readonly #maxChars: number
  readonly #now: () => number
  #clock: ReadClock
  #ticks = 0
  #isClockStale = true

  // The held event: its first line, the lines joined to it and the trace they are in.
  #first: Line | null = null
  #format: LineFormat = plainFormat
  #level: Level = 'info'
  #more: string[] | null = null
  #chars = 0
  #end = 0
  #truncated = false
  #isTrace = false
  #lastAt = 0
  // JSON events that arrived while an event was held; handed on right after it.
  #behind: LogEvent[] | null = null
  readonly #trace: HeldTrace = {
    state: 'none',
    lines: 0,
    isAlarm: false,
    head: '',
    format: '',
  }

  constructor(
    source: SourceSettings,
    defaultService: string,
    forced: LineFormat | null,
    options: AssemblerOptions = {},
  ) {
    this.#origin = { source: source.path, defaultService }
    this.#multilineStart = source.multilineStart ?? null
    this.#detector = new FormatDetector(forced)
    this.#forced = forced
    this.#joinWaitMs = Math.min(options.joinWaitMs ?? 500, 1000)
    this.#maxLines = options.maxEventLines ?? 2000
    this.#maxChars = options.maxEventChars ?? 1024 * 1024
    this.#now = options.now ?? Date.now
    this.#clock = { time: this.#now() }
  }

  push(line: Line, out: LogEvent[]): void {
    this.#tick()

    const text = line.text
    if (line.continuation === true && this.#first !== null) {
      this.#resume(line)

      return
    }

    const code = text.charCodeAt(0)
    const indented = code === 32 || code === 9 || text.length === 0
    if (indented && this.#first !== null) {
      this.#join(line, continues(text, this.#trace, false))

      return
    }

    const detector = this.#detector
    const format = detector.detect(text)
    if (format === jsonFormat) {
      // JSON records never take continuation lines; a held trace stays held around them, and
      // they wait behind it so that events leave in offset order: a checkpoint (bounded by the
      // held trace) never falls behind an event already stored, which a restart would repeat.
      const event = this.#event(line, format, detector.level)
      if (this.#first === null) out.push(event)
      else (this.#behind ??= []).push(event)

      return
    }

    if (this.#first !== null) {
      const verdict = continues(text, this.#trace, format !== plainFormat)
      const pattern = this.#multilineStart
      if (verdict.continues || (pattern !== null && !pattern.test(text))) {
        this.#join(line, verdict)

        return
      }

      this.#emit(out)
    }
    if (indented && text.trim() === '') return

    this.#open(line, format, detector.level)
  }

  flush(out: LogEvent[], force: boolean, now?: number): void {
    const time = now ?? this.#now()
    this.#isClockStale = true
    if (this.#first === null) return
    if (force || time - this.#lastAt >= this.#joinWaitMs) this.#emit(out)
  }

  heldOffset(): number | null {
    return this.#first === null ? null : this.#first.offset
  }

  // The gate vouched that the line is a record of its own: it opens no trace, holds none of
  // the words of exceptions and tracebacks, does not open as a continuation does, and is not
  // followed by a line that could join it. As a JSON record it would wait behind the held
  // event; otherwise it ends it, unless `continues` lets it join: a Python traceback or a Go
  // dump takes almost any line, a trace a Ruby frame (`x.rb:1:in `), a trace or dump the line
  // after a Node.js crash (`Node.js v20`), a Ruby record its frames. Those lines are read; the
  // others are passed over, the held event handed on first when the line would have ended it.
  // A line read as Ruby's could be joined by frames in turn, so it is read too.
  skip(line: Line, out: LogEvent[], bytes: Uint8Array, start: number): boolean {
    if (line.gated !== true || this.#multilineStart !== null) return false
    if (this.#first === null) return true
    const { state, format, isAlarm } = this.#trace
    if (format === 'ruby' || state === 'python' || state === 'go') return false
    if ((state === 'none' && !isAlarm) || this.#readsAsJson(line, bytes, start)) return true
    const forced = this.#forced
    if (bytes[start + 1] === 44 && (forced === null || forced === rubyLoggerFormat)) return false
    if (state !== 'none' && bytes[start] === 78) return false
    if (state === 'trace' && holdsRubyCall(bytes, start, start + line.end - line.offset)) {
      return false
    }

    this.#tick()
    this.#emit(out)

    return true
  }

  // What the detector makes of a JSON line, from its bytes: a record that starts with `{` and
  // ends with `}` (blanks aside).
  #readsAsJson(line: Line, bytes: Uint8Array, start: number): boolean {
    if (bytes[start] !== 123 || (this.#forced !== null && this.#forced !== jsonFormat)) {
      return false
    }
    let last = start + (line.end - line.offset) - 2
    if (bytes[last] === 13) last--
    while (last > start && (bytes[last] === 32 || bytes[last] === 9)) last--

    return bytes[last] === 125
  }

  #tick(): void {
    if (this.#isClockStale || ++this.#ticks === CLOCK_EVERY) {
      this.#ticks = 0
      this.#isClockStale = false
      this.#clock = { time: this.#now() }
    }
  }

  #event(line: Line, format: LineFormat, level: Level): ParsedEvent {
    const text = line.text

    return new ParsedEvent(
      this.#origin,
      line.offset,
      line.end,
      line.number,
      level,
      text,
      line.truncated,
      format,
      null,
      this.#clock,
    )
  }

  #open(line: Line, format: LineFormat, level: Level): void {
    this.#first = line
    this.#format = format
    this.#level = level
    this.#chars = line.text.length
    this.#end = line.end
    this.#truncated = line.truncated
    this.#lastAt = this.#clock.time
    const trace = this.#trace
    trace.state = format === plainFormat ? openingState(line.text) : 'none'
    trace.lines = 1
    trace.isAlarm = ALARMS[level]
    trace.head = line.text
    trace.format = format.name
    this.#isTrace = trace.state !== 'none'
  }

  #join(line: Line, verdict: { continues: boolean; state: TraceState; isTrace: boolean }): void {
    const trace = this.#trace
    if (verdict.continues) trace.state = verdict.state
    trace.lines++
    this.#end = line.end
    this.#lastAt = this.#clock.time
    if (verdict.isTrace) this.#isTrace = true
    if (line.truncated) this.#truncated = true

    const more = (this.#more ??= [])
    if (more.length + 1 >= this.#maxLines || this.#chars + line.text.length > this.#maxChars) {
      this.#truncated = true

      return
    }

    more.push(line.text)
    this.#chars += line.text.length + 1
  }

  // The rest of a line whose start was handed on as partial: it completes the held event's
  // last line instead of starting a line of its own.
  #resume(line: Line): void {
    const first = this.#first
    if (first === null) return

    const more = this.#more
    const last = more === null ? -1 : more.length - 1
    if (more !== null && last >= 0) more[last] = `${more[last] ?? ''}${line.text}`
    else
      this.#first = {
        ...first,
        text: first.text + line.text,
        truncated: first.truncated || line.truncated,
      }
    this.#chars += line.text.length
    this.#end = line.end
    if (line.truncated) this.#truncated = true
  }

  #emit(out: LogEvent[]): void {
    const first = this.#first
    if (first === null) return

    const more = this.#more
    let count = more === null ? 0 : more.length
    while (count > 0 && (more?.[count - 1] ?? '').trim() === '') count--
    const raw =
      more === null || count === 0
        ? first.text
        : `${first.text}\n${more.slice(0, count).join('\n')}`
    let level = this.#level
    // A trace under a line without a level of its own is a crash: error at least.
    if (this.#isTrace && this.#format === plainFormat && !ALARMS[level]) {
      level = 'error'
    }

    out.push(
      new ParsedEvent(
        this.#origin,
        first.offset,
        this.#end,
        first.number,
        level,
        raw,
        this.#truncated,
        this.#format,
        count > 0 ? (more?.[count - 1] ?? '').trim() : null,
        this.#clock,
      ),
    )
    this.#first = null
    this.#more = null
    const behind = this.#behind
    if (behind !== null) {
      for (const event of behind) out.push(event)
      this.#behind = null
    }
  }
}
