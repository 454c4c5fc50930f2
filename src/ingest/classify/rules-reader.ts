import { isScalar, isSeq, type LineCounter, type Node, type Pair } from 'yaml'

import { LEVELS, type Level } from '../event.js'
import { compileRegex } from './compile-condition.js'
import type { RulesProblem } from './rules-problem.js'

const LEVEL_ALIASES: Record<string, Level> = {
  warning: 'warn',
  err: 'error',
  critical: 'fatal',
  crit: 'fatal',
}

/** Reads YAML nodes of a rules file, noting each problem at the line of the node it concerns. */
export class RulesReader {
  readonly problems: RulesProblem[] = []
  readonly #file: string
  readonly #lines: LineCounter

  constructor(file: string, lines: LineCounter) {
    this.#file = file
    this.#lines = lines
  }

  fail(node: unknown, reason: string, offset?: number): null {
    const at = offset ?? (node as Node | null)?.range?.[0] ?? 0
    const { line, col } = this.#lines.linePos(at)
    this.problems.push({ file: this.#file, line, column: col, reason })

    return null
  }

  string(node: unknown, what: string): string | null {
    if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) {
      const value = String(node.value)
      if (value.trim() !== '') return value
    }

    return this.fail(node, `${what} must be a non-empty string`)
  }

  strings(node: unknown, what: string): string[] | null {
    if (!isSeq(node)) {
      const one = this.string(node, what)

      return one === null ? null : [one]
    }

    const items = node.items.map((item) => this.string(item, `each entry of ${what}`))
    if (items.length === 0) return this.fail(node, `${what} must not be an empty list`)

    return items.every((item) => item !== null) ? items : null
  }

  level(node: unknown, what: string): Level | null {
    const text = this.string(node, what)
    if (text === null) return null

    const word = text.trim().toLowerCase()
    const level = (LEVELS as readonly string[]).includes(word)
      ? (word as Level)
      : LEVEL_ALIASES[word]

    return (
      level ??
      this.fail(node, `${what} must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(text)}`)
    )
  }

  regex(node: unknown, what: string): ((text: string) => boolean) | null {
    const pattern = this.string(node, what)
    if (pattern === null) return null

    const compiled = compileRegex(pattern)

    return compiled.ok ? compiled.value : this.fail(node, `${what}: ${compiled.reason}`)
  }
}

/** The key of a map entry as text. */
export function keyName(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
}
