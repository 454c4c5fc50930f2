/** How much an incident matters. */
export type Severity = 'HIGH' | 'MEDIUM' | 'LOW'

/** Severities, highest first. */
export const SEVERITIES: readonly Severity[] = ['HIGH', 'MEDIUM', 'LOW']

/** Rank for comparisons: HIGH 3, MEDIUM 2, LOW 1. */
export function severityRank(severity: Severity): number {
  return 3 - SEVERITIES.indexOf(severity)
}

/** The higher of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b
}

/** True when `value` names a severity. */
export function isSeverity(value: unknown): value is Severity {
  return value === 'HIGH' || value === 'MEDIUM' || value === 'LOW'
}
