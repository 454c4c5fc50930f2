import { LEVELS, type Level } from '../event.js'
import { mayJoinAt, opensTraceAt, TRACE_WORDS } from '../parse/continuation.js'
import { JSON_LEVEL_KEYS } from '../parse/formats/json.js'
import { LOGFMT_LEVEL_KEYS } from '../parse/formats/logfmt.js'
import { LEVEL_WORDS, levelOfLetter, levelOfNumber, levelOfValue } from '../parse/level.js'

import { NeedleScanner } from './needle-scanner.js'
import type { Rule } from './rule.js'

/**
 * Decides from a line's bytes, before it is decoded, that no rule in force can make an
 * incident of it: most lines of a busy log are not worth building an event for. It errs on the
 * side of "may matter"; a line it passes over is counted as an event that is not an incident.
 */
export interface LineGate {
  /**
   * True when the line at `[start, end)` of `bytes` (without its newline) can be passed over:
   * nothing in it can satisfy a rule, it cannot open a stack trace, and the line at `next`
   * (the next one, skipping JSON lines, which never join) cannot continue it. Lines beyond
   * `bytes.length` are unknown, so the last line of a chunk is never passed over.
   */
  passesOver(bytes: Uint8Array, start: number, end: number, next: number): boolean
  /**
   * Finds the end of the line that starts at `start` and decides it in the same pass over its
   * bytes: returns the offset of its newline, or -1 when `bytes` holds none, and leaves in
   * `passedOver` what `passesOver` says of the line (false without a newline).
   */
  scanLine(bytes: Uint8Array, start: number): number
  /** What the last `scanLine` decided. */
  readonly passedOver: boolean
}

const RANK = new Map<Level, number>(LEVELS.map((level, rank) => [level, rank]))
const WARN = RANK.get('warn') ?? 4

// What a needle found in a line means.
const WORD = 1 // a level word, a rule word or a trace word: the line may matter
const JSON_KEY = 2 // a level key of JSON (`level"`): its value decides
const LOGFMT_KEY = 4 // a level key of logfmt (`level=`): its value decides
const STATUS = 8 // `" ` as before an access log's status: the status decides
const ESCAPE = 16 // `\u`: JSON may spell any word with escapes
const NEWLINE = 32 // the end of the line

/** What a gate looks for, gathered from the rules. */
interface GatePlan {
  /** Lowest level rank that may matter (never above warn: warnings change how lines join). */
  minRank: number
  /** Words of the rules' `words` conditions, lower case. */
  words: Set<string>
  /** Access-log statuses some rule may take (by its status field or by the level they give). */
  statuses: Set<number>
}

function accessLevel(status: number): Level {
  return status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info'
}

const ALL_STATUSES = Array.from({ length: 500 }, (_, i) => i + 100)

// What a rule that can give a severity needs at least; false when the gate cannot tell.
function addRule(plan: GatePlan, rule: Rule): boolean {
  const lowest = rule.levels.findIndex((can) => can)
  if (lowest === -1) return true

  if (rule.words !== null) {
    for (const word of rule.words) {
      // A phrase needs each of its words; its first is enough to look for.
      const first = word.trim().split(/\s+/)[0]?.toLowerCase() ?? ''
      if (first === '' || !/^[\x20-\x7e]+$/.test(first)) return false
      plan.words.add(first)
    }

    return true
  }

  const onlyAccess = rule.formats !== null && [...rule.formats].every((f) => f === 'access')
  if (onlyAccess && rule.fields.every((field) => field.name === 'status')) {
    for (const status of ALL_STATUSES) {
      const rank = RANK.get(accessLevel(status)) ?? 0
      const text = String(status)
      if (rule.levels[rank] === true && rule.fields.every((field) => field.test(text))) {
        plan.statuses.add(status)
      }
    }

    return true
  }

  if (lowest < WARN && rule.levels.slice(lowest, WARN).some((can) => can)) return false
  plan.minRank = Math.min(plan.minRank, lowest)

  return true
}

/**
 * The gate for a list of rules, or null when some rule can make an incident of a line that
 * holds no level of warning or worse, none of its words and no access status it takes (a rule
 * on a service alone, or a regex at info level): then every line must be read.
 */
export function lineGateOf(rules: readonly Rule[]): LineGate | null {
  const plan: GatePlan = { minRank: WARN, words: new Set(), statuses: new Set() }
  for (const rule of rules) {
    if (rule.outcome === 'ignore') continue
    if (!addRule(plan, rule)) return null
  }
  for (let status = 100; status < 600; status++) {
    if ((RANK.get(accessLevel(status)) ?? 0) >= plan.minRank) plan.statuses.add(status)
  }

  return new BytesGate(plan)
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end))
}

class BytesGate implements LineGate {
  passedOver = false
  readonly #scanner: NeedleScanner
  readonly #minRank: number
  readonly #statuses: Uint8Array
  readonly #letters: Uint8Array

  constructor(plan: GatePlan) {
    const needles = new Map<string, number>()
    const add = (needle: string, kind: number): void => {
      needles.set(needle, (needles.get(needle) ?? 0) | kind)
    }
    for (const [word, level] of LEVEL_WORDS) {
      if ((RANK.get(level) ?? 0) >= plan.minRank) add(word, WORD)
    }
    for (const word of TRACE_WORDS) add(word, WORD)
    for (const word of plan.words) add(word, WORD)
    for (const key of JSON_LEVEL_KEYS) add(`${key.toLowerCase()}"`, JSON_KEY)
    for (const key of LOGFMT_LEVEL_KEYS) add(key.toLowerCase(), LOGFMT_KEY)
    if (plan.statuses.size > 0) add('" ', STATUS)
    add('\\u', ESCAPE)
    add('\n', NEWLINE)
    this.#scanner = new NeedleScanner(needles)
    this.#minRank = plan.minRank
    this.#statuses = new Uint8Array(600)
    for (const status of plan.statuses) this.#statuses[status] = 1
    this.#letters = new Uint8Array(128)
    for (let code = 65; code <= 90; code++) {
      const level = levelOfLetter(String.fromCharCode(code))
      if (level !== null && (RANK.get(level) ?? 0) >= plan.minRank) this.#letters[code] = 1
    }
  }

  passesOver(bytes: Uint8Array, start: number, end: number, next: number): boolean {
    if (end <= start || !this.#edgesPass(bytes, start, end)) return false
    if (this.#mayMatter(bytes, start, end)) return false

    return !this.#joinsNext(bytes, next)
  }

  scanLine(bytes: Uint8Array, start: number): number {
    this.passedOver = false
    const first = bytes[start]
    // Blank, indented and syslog lines are never passed over (#edgesPass): only their end counts.
    if (first === 10 || first === 13 || first === 32 || first === 9 || first === 60) {
      return bytes.indexOf(10, start)
    }

    const { next, kinds, found } = this.#scanner
    const length = bytes.length
    let state = 0
    let i = start
    for (; i < length; i++) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- in bounds, as in #mayMatter
      state = next[(state << 8) | bytes[i]!]!
      if (state < found) continue
      const kind = kinds[state] ?? 0
      if ((kind & NEWLINE) !== 0) break
      if (this.#hitMatters(kind, bytes, i + 1, length)) return bytes.indexOf(10, i + 1)
    }
    if (i >= length) return -1

    const end = i > start && bytes[i - 1] === 13 ? i - 1 : i
    this.passedOver = end > start && this.#edgesPass(bytes, start, end)
    this.passedOver &&= !this.#joinsNext(bytes, i + 1)

    return i
  }

  // The checks on how a line opens; `end` excludes its newline.
  #edgesPass(bytes: Uint8Array, start: number, end: number): boolean {
    const first = bytes[start] ?? 0
    // Syslog's <priority>; glog's `E1203` and Ruby's `E, [` put the level in a letter.
    if (first === 60 || mayJoinAt(bytes, start, end) || opensTraceAt(bytes, start, end)) {
      return false
    }
    if (first < 128 && this.#letters[first] === 1) {
      const second = bytes[start + 1] ?? 0
      if (second === 44 || (second >= 48 && second <= 57)) return false
    }

    return true
  }

  #mayMatter(bytes: Uint8Array, start: number, end: number): boolean {
    const { next, kinds, found } = this.#scanner
    let state = 0
    for (let i = start; i < end; i++) {
      // The hot loop of the worker: every index is in bounds (bytes < 256, states below
      // next.length / 256), and tests for undefined would double its cost.
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion
      state = next[(state << 8) | bytes[i]!]!
      if (state < found) continue
      if (this.#hitMatters(kinds[state] ?? 0, bytes, i + 1, end)) return true
    }

    return false
  }

  // Whether needles of `kind` that end just before `at` make the line matter. `end` is where
  // the line ends, or any later bound: values stop at the newline (and a \r before it) anyway.
  #hitMatters(kind: number, bytes: Uint8Array, at: number, end: number): boolean {
    if ((kind & (WORD | ESCAPE)) !== 0) return true
    if ((kind & JSON_KEY) !== 0 && this.#valueMatters(bytes, at, end, true)) return true
    if ((kind & LOGFMT_KEY) !== 0 && this.#valueMatters(bytes, at, end, false)) return true

    return (kind & STATUS) !== 0 && this.#statusMatters(bytes, at, end)
  }

  // A level written as a number or one or two characters (`50`, `"E"`, `"3"`, `level=4`);
  // a level word is a needle already, so a longer value matters only through it.
  #valueMatters(bytes: Uint8Array, from: number, end: number, json: boolean): boolean {
    let at = from
    if (json) {
      while (at < end && (bytes[at] === 32 || bytes[at] === 9)) at++
      if (bytes[at] !== 58) return false
      at++
      while (at < end && (bytes[at] === 32 || bytes[at] === 9)) at++
    }
    const quoted = bytes[at] === 34
    if (quoted) at++
    let stop = at
    while (stop < end && stop - at < 24) {
      const byte = bytes[stop] ?? 0
      if (byte === 34 || byte === 44 || byte === 125 || byte === 32 || byte === 9) break
      if (byte === 10 || (byte === 13 && bytes[stop + 1] === 10)) break
      stop++
    }
    const length = stop - at
    if (length === 0) return false

    const first = bytes[at] ?? 0
    let level: Level | null
    if (first >= 48 && first <= 57 && length <= 2) {
      // pino's 30, syslog's 3: the common case, read without making a string.
      const second = bytes[at + 1] ?? 0
      level = levelOfNumber(length === 1 ? first - 48 : (first - 48) * 10 + second - 48)
      if (length === 2 && (second < 48 || second > 57))
        level = levelOfValue(latin1(bytes, at, stop))
    } else if (length <= 2 || first === 45 || first === 43 || first === 46 || first <= 57) {
      const text = latin1(bytes, at, stop)
      level = quoted || length <= 2 ? levelOfValue(text) : levelOfNumber(Number(text))
    } else {
      return false
    }

    return level !== null && (RANK.get(level) ?? 0) >= this.#minRank
  }

  #statusMatters(bytes: Uint8Array, at: number, end: number): boolean {
    if (end - at < 3) return false
    const a = (bytes[at] ?? 0) - 48
    const b = (bytes[at + 1] ?? 0) - 48
    const c = (bytes[at + 2] ?? 0) - 48
    if (a < 1 || a > 5 || b < 0 || b > 9 || c < 0 || c > 9) return false

    return this.#statuses[a * 100 + b * 10 + c] === 1
  }

  #joinsNext(bytes: Uint8Array, next: number): boolean {
    let at = next
    const length = bytes.length
    // JSON lines never join an event; what follows them may join this one.
    while (at < length && bytes[at] === 123) {
      const newline = bytes.indexOf(10, at)
      if (newline === -1) return true
      at = newline + 1
    }
    if (at >= length) return true

    return mayJoinAt(bytes, at, length)
  }
}
