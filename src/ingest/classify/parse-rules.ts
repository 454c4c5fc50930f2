import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Pair, type YAMLMap } from 'yaml'

import { LEVELS, levelRank, type Level } from '../event.js'
import { compileGlobs, compileRawWords, compileWords } from './compile-condition.js'
import type { FieldCondition, Rule, RuleOutcome } from './rule.js'
import { rulesInvalid } from './rules-problem.js'
import { RulesReader, keyName } from './rules-reader.js'

/** Largest rules file accepted, in bytes of text. */
export const MAX_RULES_BYTES = 1024 * 1024

const RULE_KEYS = [
  'name',
  'description',
  'level',
  'minLevel',
  'format',
  'service',
  'source',
  'fields',
  'words',
  'regex',
  'severity',
  'tags',
  'title',
  'ticket',
] as const

function fieldCondition(reader: RulesReader, pair: Pair): FieldCondition | null {
  const name = keyName(pair)
  const node = pair.value
  const what = `field ${JSON.stringify(name)}`
  if (isMap(node)) {
    const keys = node.items.map(keyName)
    const unknown = node.items.find((p) => !['regex', 'equals'].includes(keyName(p)))
    if (unknown !== undefined || keys.length !== 1) {
      return reader.fail(unknown?.key ?? node, `${what} takes exactly one of regex, equals`)
    }

    const only = node.items[0]
    if (only === undefined) return null
    if (keyName(only) === 'regex') {
      const test = reader.regex(only.value, `${what} regex`)

      return test === null ? null : { name, test }
    }

    const value = reader.strings(only.value, `${what} equals`)

    return value === null ? null : { name, test: (text) => value.includes(text) }
  }

  if (isScalar(node) && typeof node.value === 'boolean') {
    const expected = String(node.value)

    return { name, test: (text) => text === expected }
  }

  const values = reader.strings(node, what)

  return values === null ? null : { name, test: (text) => values.includes(text) }
}

function outcome(reader: RulesReader, node: unknown): RuleOutcome | null {
  const text = isScalar(node) && typeof node.value === 'string' ? node.value.trim() : null
  const upper = text?.toUpperCase()
  if (upper === 'HIGH' || upper === 'MEDIUM' || upper === 'LOW') return upper
  if (upper === 'IGNORE') return 'ignore'

  return reader.fail(
    node,
    `severity must be HIGH, MEDIUM, LOW or ignore, got ${JSON.stringify(isScalar(node) ? node.value : text)}`,
  )
}

function levelsOf(exact: readonly Level[] | null, min: Level | null): boolean[] {
  return LEVELS.map((level) => {
    if (exact !== null) return exact.includes(level)
    if (min !== null) return levelRank(level) >= levelRank(min)

    return true
  })
}

function readRule(reader: RulesReader, node: YAMLMap, position: number): Rule | null {
  const before = reader.problems.length
  const get = (key: string): unknown => node.items.find((p) => keyName(p) === key)?.value
  const has = (key: string): boolean => node.items.some((p) => keyName(p) === key)

  for (const pair of node.items) {
    const key = keyName(pair)
    if (!(RULE_KEYS as readonly string[]).includes(key)) {
      reader.fail(
        pair.key,
        `unknown key ${JSON.stringify(key)} in rule ${position} (expected one of ${RULE_KEYS.join(', ')})`,
      )
    }
  }

  if (has('level') && has('minLevel'))
    reader.fail(node, `rule ${position} sets both level and minLevel: keep one`)

  const name = has('name') ? reader.string(get('name'), 'name') : `rule ${position}`
  const levelNode = get('level')
  const exact = !has('level')
    ? null
    : isSeq(levelNode)
      ? levelNode.items.map((item) => reader.level(item, 'each entry of level'))
      : [reader.level(levelNode, 'level')]
  const min = has('minLevel') ? reader.level(get('minLevel'), 'minLevel') : null
  const formats = has('format') ? reader.strings(get('format'), 'format') : null
  const services = has('service') ? reader.strings(get('service'), 'service') : null
  const sources = has('source') ? reader.strings(get('source'), 'source') : null
  const words = has('words') ? reader.strings(get('words'), 'words') : null
  const regex = has('regex') ? reader.regex(get('regex'), 'regex') : null

  const fields: FieldCondition[] = []
  const fieldsNode = get('fields')
  if (has('fields') && !isMap(fieldsNode))
    reader.fail(fieldsNode ?? node, 'fields must be a map of field name to value, list or {regex}')
  if (isMap(fieldsNode)) {
    for (const pair of fieldsNode.items) {
      const condition = fieldCondition(reader, pair)
      if (condition !== null) fields.push(condition)
    }
  }

  const result = has('severity')
    ? outcome(reader, get('severity'))
    : reader.fail(node, `rule ${position} has no severity (HIGH, MEDIUM, LOW or ignore)`)
  const tags = has('tags') ? reader.strings(get('tags'), 'tags') : []
  const title = has('title') ? reader.string(get('title'), 'title') : null
  const ticketNode = get('ticket')
  if (has('ticket') && !(isScalar(ticketNode) && typeof ticketNode.value === 'boolean')) {
    reader.fail(ticketNode ?? node, 'ticket must be true or false')
  }

  if (reader.problems.length > before || name === null || result === null) return null
  if (exact?.some((level) => level === null) === true) return null

  const message: ((text: string) => boolean)[] = []
  if (words !== null) message.push(compileWords(words))
  if (regex !== null) message.push(regex)

  return {
    name,
    position,
    levels: levelsOf(exact as Level[] | null, min),
    formats: formats === null ? null : new Set(formats),
    services: services === null ? null : new Set(services),
    source: sources === null ? null : compileGlobs(sources),
    fields,
    message,
    words,
    rawWords: words === null ? null : compileRawWords(words),
    outcome: result,
    tags: tags ?? [],
    title,
    noTicket: isScalar(ticketNode) && ticketNode.value === false,
  }
}

/**
 * Parses and validates a rules file: a map with one key, `rules`, holding the ordered list.
 * Throws AppError RULES_INVALID listing every problem with its file, line and reason.
 */
export function parseRules(text: string, file: string): Rule[] {
  if (text.length > MAX_RULES_BYTES) {
    throw rulesInvalid([
      { file, line: 1, column: 1, reason: `file is larger than ${MAX_RULES_BYTES} bytes` },
    ])
  }

  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const reader = new RulesReader(file, lines)
  for (const error of doc.errors) {
    reader.fail(null, `YAML syntax: ${error.message.split('\n')[0] ?? error.code}`, error.pos[0])
  }
  if (reader.problems.length > 0) throw rulesInvalid(reader.problems)

  const root = doc.contents
  if (!isMap(root))
    throw rulesInvalid([
      { file, line: 1, column: 1, reason: 'the file must be a map with a "rules" list' },
    ])

  for (const pair of root.items) {
    if (keyName(pair) !== 'rules')
      reader.fail(
        pair.key,
        `unknown top-level key ${JSON.stringify(keyName(pair))} (expected rules)`,
      )
  }

  const list = root.items.find((p) => keyName(p) === 'rules')?.value
  if (!isSeq(list)) {
    reader.fail(list ?? root, 'rules must be a list of rules')
    throw rulesInvalid(reader.problems)
  }

  const rules: Rule[] = []
  const names = new Set<string>()
  list.items.forEach((item, index) => {
    if (!isMap(item)) {
      reader.fail(item, `rule ${index + 1} must be a map of keys such as severity, level, words`)

      return
    }

    const rule = readRule(reader, item, index + 1)
    if (rule === null) return
    if (names.has(rule.name))
      reader.fail(item, `rule name ${JSON.stringify(rule.name)} is used twice`)

    names.add(rule.name)
    rules.push(rule)
  })
  if (reader.problems.length > 0) throw rulesInvalid(reader.problems)

  return rules
}
