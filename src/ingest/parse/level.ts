import type { Level } from '../event.js'

// Spellings that name a level wherever they stand as a word, in any case.
const WORDS: Record<string, Level> = {
  trace: 'trace',
  trc: 'trace',
  trce: 'trace',
  finest: 'trace',
  finer: 'trace',
  verbose: 'trace',
  vrb: 'trace',
  debug: 'debug',
  dbg: 'debug',
  dbug: 'debug',
  fine: 'debug',
  info: 'info',
  inf: 'info',
  information: 'info',
  informational: 'info',
  notice: 'notice',
  warn: 'warn',
  warning: 'warn',
  wrn: 'warn',
  error: 'error',
  err: 'error',
  eror: 'error',
  erro: 'error',
  severe: 'error',
  fail: 'error',
  fatal: 'fatal',
  ftl: 'fatal',
  crit: 'fatal',
  critical: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  alert: 'fatal',
  panic: 'fatal',
  dpanic: 'fatal',
}

// Single letters are levels only where a format puts a level (a JSON field, `E, [` in Ruby).
const LETTERS: Record<string, Level> = {
  T: 'trace',
  D: 'debug',
  I: 'info',
  N: 'notice',
  W: 'warn',
  E: 'error',
  F: 'fatal',
  C: 'fatal',
  A: 'fatal',
}

const EXACT = new Map<string, Level>()
for (const [word, level] of Object.entries(WORDS)) {
  EXACT.set(word, level)
  EXACT.set(word.toUpperCase(), level)
  EXACT.set(word.charAt(0).toUpperCase() + word.slice(1), level)
}

// Words that must not count when the plain-text fallback scans a message: too common in prose.
const PROSE = new Set(['alert', 'fine', 'fail', 'panic', 'information', 'critical', 'notice'])

/** Syslog severities 0–7 (emerg … debug) as levels. */
export const SYSLOG_LEVELS: readonly Level[] = [
  'fatal',
  'fatal',
  'fatal',
  'error',
  'warn',
  'notice',
  'info',
  'debug',
]

/**
 * The level a word names (`ERROR`, `err`, `Warning`, `crit`, `[error]`, `<error>`, `error:`),
 * or null. Surrounding brackets and a trailing colon are ignored; at most 16 characters.
 */
export function levelOfWord(word: string): Level | null {
  let start = 0
  let end = word.length
  const first = word.charCodeAt(0)
  if (first === 91 || first === 60 || first === 40) start = 1 // [ < (
  let last = word.charCodeAt(end - 1)
  if (last === 58) last = word.charCodeAt(--end - 1) // :
  if (last === 93 || last === 62 || last === 41) end-- // ] > )
  if (end - start < 2 || end - start > 16) return null

  const core = start === 0 && end === word.length ? word : word.slice(start, end)

  return EXACT.get(core) ?? WORDS[core.toLowerCase()] ?? null
}

/** The level of a numeric value: syslog 0–7, pino/bunyan 10–60 (rounded down to a step). */
export function levelOfNumber(value: number): Level | null {
  if (!Number.isFinite(value) || value < 0) return null
  if (value <= 7) return SYSLOG_LEVELS[Math.trunc(value)] ?? null
  if (value >= 60) return 'fatal'
  if (value >= 50) return 'error'
  if (value >= 40) return 'warn'
  if (value >= 30) return 'info'
  if (value >= 20) return 'debug'

  return 'trace'
}

/** The level of a level field's value: any word spelling, a single letter, or a number. */
export function levelOfValue(value: unknown): Level | null {
  if (typeof value === 'number') return levelOfNumber(value)
  if (typeof value !== 'string') return null
  if (value.length === 1) return LETTERS[value.toUpperCase()] ?? levelOfDigits(value)

  return levelOfWord(value.trim()) ?? levelOfDigits(value)
}

function levelOfDigits(value: string): Level | null {
  return /^\d{1,2}$/.test(value) ? levelOfNumber(Number(value)) : null
}

/** Where the last word found by findLevelWord stands: `[start, end)`. */
export const foundWord = { start: 0, end: 0 }

// Which (first letter, length) pairs some level word has: most words are ruled out before
// they are sliced out of the line.
const MAY_BE_LEVEL = new Uint8Array(26 * 16)
for (const word of Object.keys(WORDS)) {
  MAY_BE_LEVEL[(word.charCodeAt(0) - 97) * 16 + word.length] = 1
}

function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90)
}

/**
 * Finds a level word among the `limit` characters (default 80) from `from`, e.g. `ERROR`,
 * `[warn]`, `Warning:`. A word in capitals wins over an earlier one in lower or mixed case;
 * words common in prose (`alert`, `fail`, `notice`, three-letter `err`) count only in capitals.
 * Null when there is none; `foundWord` holds the position of a hit.
 */
export function findLevelWord(text: string, from = 0, limit = 80): Level | null {
  const stop = Math.min(text.length, from + limit)
  let quiet: Level | null = null
  let quietStart = 0
  let quietEnd = 0
  let i = from
  while (i < stop) {
    let code = text.charCodeAt(i)
    while (i < stop && !isWordChar(code)) code = text.charCodeAt(++i)
    const start = i
    while (i < text.length && isWordChar(text.charCodeAt(i))) i++
    const length = i - start
    if (length < 3 || length > 13) continue

    const initial = (code | 32) - 97
    if (MAY_BE_LEVEL[initial * 16 + length] !== 1) continue

    const word = text.slice(start, i)
    const level = EXACT.get(word)
    if (level === undefined) continue

    if (word === word.toUpperCase()) {
      foundWord.start = start
      foundWord.end = i

      return level
    }
    if (quiet === null && length > 3 && !PROSE.has(word.toLowerCase())) {
      quiet = level
      quietStart = start
      quietEnd = i
    }
  }
  foundWord.start = quietStart
  foundWord.end = quietEnd

  return quiet
}
