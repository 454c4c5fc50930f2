import { LEVELS, type Level, type Classification, type LogEvent } from '../event.js'
import { lineGateOf, type LineGate } from './line-gate.js'
import { ruleMatches, type Rule } from './rule.js'

const RANK = new Map<string, number>(LEVELS.map((level, rank) => [level, rank]))

/** The classification of an event no rule matched: not an incident. */
export const UNCLASSIFIED: Classification = Object.freeze({
  severity: null,
  ignored: false,
  rule: null,
  tags: Object.freeze([]),
  title: null,
  noTicket: false,
})

function outcomeOf(rule: Rule): Classification {
  const ignored = rule.outcome === 'ignore'

  return Object.freeze({
    severity: rule.outcome === 'ignore' ? null : rule.outcome,
    ignored,
    rule: rule.name,
    tags: Object.freeze([...rule.tags]),
    title: rule.title,
    noTicket: rule.noTicket,
  })
}

/**
 * An ordered, immutable list of compiled rules. `classify` tries them in order and returns
 * the first match's outcome; the returned objects are shared and frozen.
 */
export class RuleSet {
  readonly rules: readonly Rule[]
  /** Where the rules came from: a file path, or `built-in`. */
  readonly origin: string
  /** Lowest level any rule can match at, or null for an empty list: lower events skip. */
  readonly minLevel: Level | null
  /** Passes over lines no rule can make an incident of; null when every line must be read. */
  readonly gate: LineGate | null
  readonly #byRank: readonly (readonly Rule[])[]
  readonly #outcomes: ReadonlyMap<Rule, Classification>
  readonly #readsMessage: readonly boolean[]

  constructor(rules: readonly Rule[], origin: string) {
    this.rules = rules
    this.origin = origin
    this.#byRank = LEVELS.map((_, rank) => rules.filter((rule) => rule.levels[rank] === true))
    this.#outcomes = new Map(rules.map((rule) => [rule, outcomeOf(rule)]))
    this.#readsMessage = this.#byRank.map((list) => list.some((rule) => rule.message.length > 0))
    const lowest = this.#byRank.findIndex((list) => list.length > 0)
    this.minLevel = LEVELS[lowest] ?? null
    this.gate = lineGateOf(rules)
  }

  /** True when some rule can match an event of this level; false means classify is a no-op. */
  canMatch(level: Level): boolean {
    return (this.#byRank[RANK.get(level) ?? 0]?.length ?? 0) > 0
  }

  /** True when some rule that can match this level tests the message text. */
  readsMessage(level: Level): boolean {
    return this.#readsMessage[RANK.get(level) ?? 0] === true
  }

  /** The first matching rule's outcome, or UNCLASSIFIED when none matches. */
  classify(event: LogEvent): Classification {
    const rank = RANK.get(event.level) ?? 0
    const candidates = this.#byRank[rank]
    if (candidates === undefined) return UNCLASSIFIED

    for (const rule of candidates) {
      if (ruleMatches(rule, event, rank)) return this.#outcomes.get(rule) ?? UNCLASSIFIED
    }

    return UNCLASSIFIED
  }
}
