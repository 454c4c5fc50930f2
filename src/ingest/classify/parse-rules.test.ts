import { describe, expect, it } from 'vitest'

import { isAppError } from '../../errors/app-error.js'
import { DEFAULT_RULES_YAML } from './default-rules.js'
import { parseRules } from './parse-rules.js'
import type { RulesProblem } from './rules-problem.js'

function problems(yaml: string): RulesProblem[] {
  try {
    parseRules(yaml, '/etc/alims/rules.yaml')
  } catch (error) {
    if (isAppError(error) && error.code === 'RULES_INVALID') {
      return error.details?.problems as RulesProblem[]
    }
    throw error
  }
  throw new Error('expected the rules to be rejected')
}

describe('parseRules', () => {
  it('accepts the built-in rules', () => {
    expect(parseRules(DEFAULT_RULES_YAML, 'built-in').map((r) => r.name)).toEqual([
      'access-5xx',
      'access-other',
      'error-level',
      'failure-words',
      'warn-level',
    ])
  })

  it('rejects broken YAML with its line', () => {
    expect(problems('rules:\n  - name: a\n    severity: [HIGH\n')).toEqual([
      expect.objectContaining({
        file: '/etc/alims/rules.yaml',
        line: 4,
        reason: expect.stringMatching(/^YAML syntax/) as string,
      }),
    ])
  })

  it('rejects an unknown key naming the line, column and the keys it expected', () => {
    expect(problems('rules:\n  - name: a\n    sevrity: HIGH\n    severity: LOW\n')).toEqual([
      {
        file: '/etc/alims/rules.yaml',
        line: 3,
        column: 5,
        reason: expect.stringMatching(
          /^unknown key "sevrity" in rule 1 \(expected one of name, .*ticket\)$/,
        ) as string,
      },
    ])
  })

  it('rejects a bad severity and a missing one', () => {
    expect(problems('rules:\n  - severity: CRITICAL\n  - level: warn\n')).toEqual([
      expect.objectContaining({
        line: 2,
        column: 15,
        reason: 'severity must be HIGH, MEDIUM, LOW or ignore, got "CRITICAL"',
      }),
      expect.objectContaining({
        line: 3,
        reason: 'rule 2 has no severity (HIGH, MEDIUM, LOW or ignore)',
      }),
    ])
  })

  it('rejects a regex RE2 cannot run, with the reason', () => {
    const [problem] = problems("rules:\n  - name: x\n    regex: '(a)\\1'\n    severity: LOW\n")
    expect(problem).toMatchObject({ line: 3, column: 12 })
    expect(problem?.reason).toMatch(
      /^regex: regex "\(a\)\\\\1" is not supported \(RE2 runs no backreferences or lookaround\)/,
    )
    expect(problems("rules:\n  - { regex: 'x(?=y)', severity: LOW }\n")[0]?.reason).toMatch(
      /lookaround/,
    )
    expect(
      problems("rules:\n  - { fields: { a: { regex: '(?<!b)c' } }, severity: LOW }\n")[0],
    ).toMatchObject({ line: 2 })
  })

  it('rejects a pattern too large to compile safely', () => {
    expect(
      problems("rules:\n  - { regex: '((a{100}){100}){100}', severity: LOW }\n")[0]?.reason,
    ).toMatch(/invalid repetition size/)
  })

  it('rejects bad levels, types and combinations, collecting all problems', () => {
    const found = problems(`rules:
  - { level: loud, severity: LOW }
  - { level: warn, minLevel: error, severity: LOW }
  - { ticket: "no", severity: LOW }
  - { fields: [status], severity: LOW }
  - { fields: { status: { regex: '5', equals: 1 } }, severity: LOW }
  - { words: [], severity: LOW }
  - just a string
  - { name: dup, severity: LOW }
  - { name: dup, severity: LOW }
`)
    expect(found.map((p) => [p.line, p.reason])).toEqual([
      [2, 'level must be one of trace, debug, info, notice, warn, error, fatal, got "loud"'],
      [3, 'rule 2 sets both level and minLevel: keep one'],
      [4, 'ticket must be true or false'],
      [5, 'fields must be a map of field name to value, list or {regex}'],
      [6, 'field "status" takes exactly one of regex, equals'],
      [7, 'words must not be an empty list'],
      [8, 'rule 7 must be a map of keys such as severity, level, words'],
      [10, 'rule name "dup" is used twice'],
    ])
  })

  it('rejects a file without a rules list and unknown top-level keys', () => {
    expect(problems('- severity: LOW\n')[0]?.reason).toBe(
      'the file must be a map with a "rules" list',
    )
    expect(problems('rule:\n  - severity: LOW\n').map((p) => p.reason)).toEqual([
      'unknown top-level key "rule" (expected rules)',
      'rules must be a list of rules',
    ])
  })

  it('puts the first problem and the count in the error message', () => {
    expect(() =>
      parseRules('rules:\n  - { severity: x }\n  - { severity: y }\n', 'r.yaml'),
    ).toThrow(
      'invalid rules: r.yaml:2:17: severity must be HIGH, MEDIUM, LOW or ignore, got "x" (and 1 more)',
    )
  })

  it('accepts level aliases and lowercase severities', () => {
    const [rule] = parseRules('rules:\n  - { minLevel: warning, severity: medium }\n', 'r.yaml')
    expect(rule?.outcome).toBe('MEDIUM')
    expect(rule?.levels).toEqual([false, false, false, false, true, true, true])
  })
})
