import picomatch from 'picomatch'
import RE2 from 're2'

/** Longest regex source a rule may carry, in characters. */
export const MAX_PATTERN_LENGTH = 4096

export type Compiled<T> = { ok: true; value: T } | { ok: false; reason: string }

/**
 * Compiles a rule regex with RE2, which runs in time linear in the input, so no pattern can
 * hang the worker. Case-insensitive unless the pattern turns it off with `(?-i)`. Patterns that
 * need backtracking (backreferences, lookaround) are refused with RE2's reason.
 */
export function compileRegex(pattern: string): Compiled<(text: string) => boolean> {
  if (pattern === '') return { ok: false, reason: 'regex is empty' }
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, reason: `regex is longer than ${MAX_PATTERN_LENGTH} characters` }
  }

  try {
    const re = new RE2(pattern, 'i')

    return { ok: true, value: (text) => re.test(text) }
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)

    return {
      ok: false,
      reason: `regex ${JSON.stringify(pattern)} is not supported (RE2 runs no backreferences or lookaround): ${detail}`,
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Compiles a list of words or phrases into one case-insensitive whole-word test: `failed`
 * matches "Job FAILED" but not "unfailed". The words are literals, so the RegExp cannot
 * backtrack badly. Phrases match across any run of whitespace.
 */
export function compileWords(words: readonly string[]): (text: string) => boolean {
  const alternatives = words.map((word) => {
    const body = word.trim().split(/\s+/).map(escapeRegExp).join('\\s+')
    const start = /^\w/.test(word.trim()) ? '\\b' : ''
    const end = /\w$/.test(word.trim()) ? '\\b' : ''

    return `${start}${body}${end}`
  })
  const re = new RegExp(`(?:${alternatives.join('|')})`, 'i')

  return (text) => re.test(text)
}

/**
 * A test a record's raw text passes whenever its message can pass `compileWords(words)`: the
 * first word of each entry, anywhere, in any case. For text without escapes (a backslash), a
 * parsed message is a part of the raw text, so a raw text that fails needs no parsing.
 */
export function compileRawWords(words: readonly string[]): (raw: string) => boolean {
  const firsts = words.map((word) => escapeRegExp(word.trim().split(/\s+/)[0] ?? ''))
  const re = new RegExp(firsts.join('|'), 'i')

  return (raw) => raw.includes('\\') || re.test(raw)
}

/** Compiles source-path globs (picomatch); a glob without a slash matches the file name. */
export function compileGlobs(globs: readonly string[]): (path: string) => boolean {
  const matchers = globs.map((glob) =>
    picomatch(glob, { dot: true, basename: !glob.includes('/') }),
  )

  return (path) => matchers.some((matches) => matches(path))
}
