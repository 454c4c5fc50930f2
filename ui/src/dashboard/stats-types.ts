import type { Severity, Status } from '../incidents/incident-types.js'

/** GET /api/v1/stats. */
export interface Stats {
  from: string
  to: string
  bucketMs: number
  series: ({ start: string } & Record<Severity, number>)[]
  occurrences: Record<Severity, number>
  byStatus: Record<Status, number>
  openBySeverity: Record<Severity, number>
  /** Occurrences in the window per service, most first. */
  topServices: { service: string; count: number }[]
  topIncidents: {
    id: number
    title: string
    severity: Severity
    status: Status
    service: string
    count: number
  }[]
}

/** Chart colors per severity: each has at least 3:1 contrast on white. */
export const SEVERITY_COLORS: Record<Severity, string> = {
  HIGH: '#c62828',
  MEDIUM: '#b45309',
  LOW: '#1565c0',
}
