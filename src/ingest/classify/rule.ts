import type { Severity } from '../../incidents/severity.js'
import type { LogEvent } from '../event.js'
import { ParsedEvent } from '../parse/parsed-event.js'

/** What a matching rule decides: a severity, or `ignore` (noise that never becomes an incident). */
export type RuleOutcome = Severity | 'ignore'

/** A test on one structured field of an event. */
export interface FieldCondition {
  /** Field name; a dotted name also reaches into nested objects (`http.status`). */
  name: string
  test: (value: string) => boolean
}

/**
 * One compiled rule. Every condition that is set must hold (AND); a list inside a condition
 * matches when any of its entries does (OR). Unset conditions match everything.
 */
export interface Rule {
  name: string
  /** 1-based position in the file: rules are tried in this order. */
  position: number
  /** Which level ranks (trace 0 … fatal 6) the rule can match at all. */
  levels: readonly boolean[]
  formats: ReadonlySet<string> | null
  services: ReadonlySet<string> | null
  source: ((path: string) => boolean) | null
  fields: readonly FieldCondition[]
  /** Word or regex tests on the message; all must hold. Empty when the rule ignores messages. */
  message: readonly ((text: string) => boolean)[]
  /** The `words` condition as written (one of them must occur), or null without one. */
  words: readonly string[] | null
  /** A test the raw text of a parsed event passes whenever its message can pass `message`. */
  rawWords: ((raw: string) => boolean) | null
  outcome: RuleOutcome
  tags: readonly string[]
  title: string | null
  noTicket: boolean
}

function fieldValue(fields: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(fields, name)) return fields[name]
  if (!name.includes('.')) return undefined

  let value: unknown = fields
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined
    value = (value as Record<string, unknown>)[part]
  }

  return value
}

function asText(value: unknown): string | null {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value)
  }

  return null
}

// A parsed event's format is its detected one or, if that cannot read it, plain: when neither
// is wanted, the event need not be read to know.
function formatMatches(formats: ReadonlySet<string>, event: LogEvent): boolean {
  if (event instanceof ParsedEvent && !formats.has(event.detectedFormat) && !formats.has('plain')) {
    return false
  }

  return formats.has(event.format)
}

/** True when the event satisfies every condition of the rule; the cheapest tests run first. */
export function ruleMatches(rule: Rule, event: LogEvent, rank: number): boolean {
  if (rule.levels[rank] !== true) return false
  if (rule.formats !== null && !formatMatches(rule.formats, event)) return false
  // Tested before anything that reads the event (service, fields, message).
  if (rule.rawWords !== null && event instanceof ParsedEvent && !rule.rawWords(event.raw)) {
    return false
  }
  if (rule.services !== null && !rule.services.has(event.service)) return false
  if (rule.source !== null && !rule.source(event.source)) return false

  for (const field of rule.fields) {
    const text = asText(fieldValue(event.fields, field.name))
    if (text === null || !field.test(text)) return false
  }

  for (const test of rule.message) {
    if (!test(event.message)) return false
  }

  return true
}
