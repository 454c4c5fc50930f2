/**
 * What kind of stack trace an event being joined is in; decides which unindented lines may
 * still belong to it.
 */
export type TraceState =
  'none' | 'trace' | 'python' | 'python-done' | 'go-head' | 'go' | 'node-caret'

/** What the joiner knows about the event it holds. */
export interface HeldTrace {
  state: TraceState
  /** Lines joined so far. */
  lines: number
  /** True when the first line is a warning or worse (a log call that may print a trace). */
  isAlarm: boolean
  /** The first line's text (a recovered Go panic is told by it). */
  head: string
  /** Name of the first line's format (Rails prints backtraces unindented after its records). */
  format: string
}

/** Whether a line continues the held event, and the trace state after it. */
export interface Verdict {
  readonly continues: boolean
  readonly state: TraceState
  /** True when the line is part of a stack trace (frame, cause, exception header). */
  readonly isTrace: boolean
}

// `java.lang.IllegalStateException: …`, `TypeError: …`, `Error [ERR_X]: …`, `System.IO.IOException`.
const EXCEPTION_HEAD =
  /^(?:[A-Za-z_$][\w$]*\.)*[\w$]*(?:Exception|Error|Throwable)(?: \[[\w-]+\])?(?::|$)/
const PYTHON_LAST = /^[A-Za-z_][\w.]*(?::|$)/
const RUBY_FRAME = /^(?:from )?[^\s:][^:]{0,300}:\d+:in [`'‘]/
const GOROUTINE = /^goroutine \d+ \[/
const GO_CRASH = /^(?:panic: |fatal error: |SIG[A-Z]+: |goroutine \d+ \[)/
const JAVA_MORE = /^\.\.\. \d+ (?:more|common frames omitted)/

const STATES: readonly TraceState[] = [
  'none',
  'trace',
  'python',
  'python-done',
  'go-head',
  'go',
  'node-caret',
]
// Every verdict made once: one is asked for per line of a trace.
const VERDICTS = new Map<TraceState, readonly Verdict[]>(
  STATES.map((state) => [
    state,
    [0, 1, 2, 3].map((bits) => ({ continues: bits >= 2, state, isTrace: (bits & 1) === 1 })),
  ]),
)

function verdict(continues: boolean, state: TraceState, isTrace: boolean): Verdict {
  const made = VERDICTS.get(state)?.[(continues ? 2 : 0) + (isTrace ? 1 : 0)]

  return made ?? { continues, state, isTrace }
}

const STARTS = verdict(false, 'none', false)

/** The trace state a plain-text line opens when it starts a new event. */
export function openingState(text: string): TraceState {
  const first = text.charCodeAt(0)
  if (first === 84 && text.startsWith('Traceback (most recent call last)')) return 'python'
  if ((first === 112 || first === 102 || first === 83 || first === 103) && GO_CRASH.test(text)) {
    return first === 103 ? 'go' : 'go-head'
  }
  if (EXCEPTION_HEAD.test(text) || text.startsWith('Exception in thread ')) return 'trace'

  return 'none'
}

// Whether the text from `at` (its first character after the indent) opens a frame line.
function indentedFrame(text: string, at: number): boolean {
  return (
    text.startsWith('at ', at) ||
    text.startsWith('File "', at) ||
    text.startsWith('from ', at) ||
    text.startsWith('... ', at) ||
    text.startsWith('Caused by: ', at) ||
    text.startsWith('Suppressed: ', at) ||
    text.startsWith('--- End of ', at) ||
    text.startsWith('---> ', at) ||
    (text.startsWith('/', at) && text.includes('.go:', at))
  )
}

// An indented or blank line, with `at` past its indent: it always joins; it tells the state.
function indentedVerdict(text: string, at: number, state: TraceState): Verdict {
  if (at >= text.length) return verdict(true, state, false)
  if (at === text.length - 1 && text.charCodeAt(at) === 94) {
    return verdict(true, 'node-caret', true)
  }
  if (indentedFrame(text, at)) {
    const next = state === 'none' || state === 'node-caret' ? 'trace' : state

    return verdict(true, next, true)
  }

  return verdict(true, state, state !== 'none')
}

// A goroutine header continues a Go dump, or a log line that reported a recovered panic.
function goroutine(text: string, held: HeldTrace): Verdict {
  if (!GOROUTINE.test(text)) return STARTS

  const dump = held.state === 'go' || held.state === 'go-head' || held.head.includes('panic')

  return dump ? verdict(true, 'go', true) : STARTS
}

/**
 * Decides whether `text` continues the held event by the built-in rules for Java/Kotlin,
 * Python, Node.js, Go, .NET and Ruby traces. `isStrongStart` says the line is a structured
 * record (has a known format), which ends even a Go dump. JSON lines never get here.
 */
export function continues(text: string, held: HeldTrace, isStrongStart: boolean): Verdict {
  const first = text.charCodeAt(0)
  const state = held.state
  if (text.length === 0) return verdict(true, state, false)
  if (first === 32 || first === 9) {
    // Past the spaces and tabs without making a string; other white space is trimmed as such.
    let at = 1
    while (text.charCodeAt(at) === 32 || text.charCodeAt(at) === 9) at++
    const code = text.charCodeAt(at)
    if (at < text.length && (code <= 32 || code >= 127)) {
      const trimmed = text.trimStart()

      return indentedVerdict(trimmed, 0, state)
    }

    return indentedVerdict(text, at, state)
  }

  // The common case, a line after an ordinary record: only these openings can continue it.
  if (state === 'none' && !held.isAlarm && first !== 67 && first !== 45 && first !== 46) {
    return first === 103 ? goroutine(text, held) : STARTS
  }
  // Inside a goroutine dump every line that is not a log record belongs to it; between the
  // panic message and the first goroutine only the signal line does.
  if (state === 'go') return isStrongStart ? STARTS : verdict(true, 'go', true)
  if (state === 'go-head' && first === 91 && text.startsWith('[signal ')) {
    return verdict(true, 'go-head', true)
  }

  if (state === 'python') {
    return !isStrongStart && PYTHON_LAST.test(text) ? verdict(true, 'python-done', true) : STARTS
  }

  if (text.startsWith('Traceback (most recent call last)')) {
    const chained = state === 'python-done' || (held.lines === 1 && held.isAlarm)

    return chained ? verdict(true, 'python', true) : STARTS
  }

  if (state === 'python-done') {
    const link =
      text.startsWith('During handling of the above exception') ||
      text.startsWith('The above exception was the direct cause')

    return link ? verdict(true, 'python-done', true) : STARTS
  }

  if (text.startsWith('Caused by: ') || text.startsWith('--- End of ')) {
    return verdict(true, 'trace', true)
  }
  if (first === 46 && JAVA_MORE.test(text)) return verdict(true, 'trace', true)
  if (first === 103) return goroutine(text, held)

  const introduced = state === 'node-caret' || (held.lines === 1 && held.isAlarm)
  if ((state === 'trace' || held.format === 'ruby') && RUBY_FRAME.test(text)) {
    return verdict(true, 'trace', true)
  }
  if (state !== 'none' && first === 78 && /^Node\.js v\d/.test(text)) {
    return verdict(true, state, true)
  }
  if (introduced && EXCEPTION_HEAD.test(text)) return verdict(true, 'trace', true)

  return STARTS
}

// The byte-level tests below serve the line gate (classify/line-gate.ts), which passes over
// lines before they are decoded: they must say yes wherever `continues` or `openingState`
// might, and may say yes more often.

// Openings by their first byte, so that most lines are told apart by one comparison.
function openings(texts: readonly string[]): (Buffer | undefined)[] {
  const table: (Buffer | undefined)[] = []
  for (const text of texts) table[text.charCodeAt(0)] = Buffer.from(text, 'latin1')

  return table
}
const JOIN_OPENINGS = openings(['Caused by: ', '--- End of ', '... ', 'goroutine ', 'Suppressed: '])
const TRACE_OPENINGS = openings(['SIG', 'goroutine ', '[signal '])

/**
 * Words (matched in any case, anywhere in a line) of which every line that `openingState`
 * finds a trace in, or that may introduce one, holds at least one — apart from the openings
 * `opensTraceAt` tests.
 */
export const TRACE_WORDS: readonly string[] = [
  'exception',
  'error',
  'throwable',
  'traceback',
  'panic',
  'fatal',
]

function startsWith(bytes: Uint8Array, at: number, end: number, prefix: Uint8Array): boolean {
  if (end - at < prefix.length) return false
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false

  return true
}

// True when the line may be cut by `end` before it could be told apart from `prefix`.
function mayStartWith(bytes: Uint8Array, at: number, end: number, prefix: Uint8Array): boolean {
  const n = Math.min(prefix.length, end - at)
  for (let i = 0; i < n; i++) if (bytes[at + i] !== prefix[i]) return false

  return true
}

/**
 * True when the line starting at `at` might join the event before it even when that event is
 * an ordinary record (no trace, below warn): a blank or indented line, or an opening such as
 * `Caused by: ` or `... 3 more`. `end` is where the known bytes stop; a line cut by it that
 * could still be one of these counts as one.
 */
export function mayJoinAt(bytes: Uint8Array, at: number, end: number): boolean {
  if (at >= end) return true
  const first = bytes[at]
  if (first === 32 || first === 9 || first === 10 || first === 13) return true
  const opening = first === undefined ? undefined : JOIN_OPENINGS[first]

  return opening !== undefined && mayStartWith(bytes, at, end, opening)
}

/** True when the line at `[at, end)` starts like a Go crash or dump, which opens a trace. */
export function opensTraceAt(bytes: Uint8Array, at: number, end: number): boolean {
  const first = bytes[at]
  const opening = first === undefined ? undefined : TRACE_OPENINGS[first]

  return opening !== undefined && startsWith(bytes, at, end, opening)
}
