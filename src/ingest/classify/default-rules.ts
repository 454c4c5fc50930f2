import { parseRules } from './parse-rules.js'
import { RuleSet } from './rule-set.js'

/**
 * The built-in rules, used when ALIMS_RULES is unset; the same text is a starting point for a
 * rules file. Order matters (first match wins): access-log lines are decided by their status
 * before levels are looked at, so a 5xx is HIGH whatever level the format gave it and other
 * requests never become incidents; then levels, with error and fatal before the words, so an
 * error that says "failed" stays HIGH; the words come before `warn`, so a warning about a
 * timeout is MEDIUM. Debug and trace lines are left out of the word rule: they mention
 * timeouts and failures as a matter of course.
 */
export const DEFAULT_RULES_YAML = `# alims built-in rules. First match wins; an event no rule matches is not an incident.
rules:
  - name: access-5xx
    format: access
    fields:
      status: { regex: '^5[0-9][0-9]$' }
    severity: HIGH
    tags: [http]
  - name: access-other
    description: other requests are traffic, not incidents
    format: access
    severity: ignore
  - name: error-level
    minLevel: error
    severity: HIGH
  - name: failure-words
    minLevel: info
    words: [failed, exception, timeout]
    severity: MEDIUM
  - name: warn-level
    level: warn
    severity: LOW
`

/** Origin name of the built-in rules in logs and `alims rules test`. */
export const DEFAULT_RULES_ORIGIN = 'built-in'

/** Compiles the built-in rules. */
export function defaultRuleSet(): RuleSet {
  return new RuleSet(parseRules(DEFAULT_RULES_YAML, DEFAULT_RULES_ORIGIN), DEFAULT_RULES_ORIGIN)
}
