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

/** Every word spelling of a level (lower case) and the level it names. */
export const LEVEL_WORDS: ReadonlyMap<string, Level> = new Map(Object.entries(WORDS))

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

/** The level a single capital letter names where a format puts one (`E` error), or null. */
export function levelOfLetter(letter: string): Level | null {
  return LETTERS[letter] ?? null
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

// Every spelling as one alternation: irregexp scans for it faster than a loop over characters.
const WORD_PATTERN = new RegExp(
  `(?<![A-Za-z])(?:${[...EXACT.keys()].sort((a, b) => b.length - a.length).join('|')})(?![A-Za-z])`,
  'g',
)

/**
 * Finds a level word among the `limit` characters (default 80) from `from`, e.g. `ERROR`,
 * `[warn]`, `Warning:`. A word in capitals wins over an earlier one in lower or mixed case;
 * words common in prose (`alert`, `fail`, `notice`, three-letter `err`) count only in capitals.
 * Null when there is none; `foundWord` holds the position of a hit.
 */
export function findLevelWord(text: string, from = 0, limit = 80): Level | null {
  // A word that starts inside the limit is read to its end (levels are at most 13 letters).
  const window =
    from === 0 && text.length <= limit + 14 ? text : text.slice(from, from + limit + 14)
  let quiet: Level | null = null
  let quietStart = 0
  let quietEnd = 0
  WORD_PATTERN.lastIndex = 0
  let match = WORD_PATTERN.exec(window)
  while (match !== null && match.index < limit) {
    const word = match[0]
    const level = EXACT.get(word) ?? null
    const start = from + match.index
    if (level !== null) {
      if (word === word.toUpperCase()) {
        foundWord.start = start
        foundWord.end = start + word.length

        return level
      }
      if (quiet === null && word.length > 3 && !PROSE.has(word.toLowerCase())) {
        quiet = level
        quietStart = start
        quietEnd = start + word.length
      }
    }
    match = WORD_PATTERN.exec(window)
  }
  foundWord.start = quietStart
  foundWord.end = quietEnd

  return quiet
}
