import type { Severity, Status } from '../incidents/incident-types.js'

/** Severity as a colored label; the word is always there, so color is never the only cue. */
export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`badge severity-${severity.toLowerCase()}`}>{severity}</span>
}

/** Status as a label. */
export function StatusBadge({ status }: { status: Status }) {
  return <span className={`badge status-${status}`}>{status}</span>
}
