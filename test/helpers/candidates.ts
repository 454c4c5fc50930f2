import type { IncidentCandidate, LogEvent, Severity } from '../../src/ingest/event.js'

/** Builds an incident candidate by hand, for store tests that do not need the parser or rules. */
export function candidate(
  fingerprint: string,
  options: { timestamp?: number; severity?: Severity; message?: string; offset?: number } = {},
): IncidentCandidate {
  const timestamp = options.timestamp ?? Date.UTC(2026, 0, 1, 11, 0, 0)
  const message = options.message ?? `message of ${fingerprint}`
  const event: LogEvent = {
    source: '/var/log/app.log',
    offset: options.offset ?? 0,
    end: (options.offset ?? 0) + 10,
    line: 1,
    timestamp,
    hasTimestamp: true,
    level: 'error',
    message,
    service: 'delivery',
    format: 'json',
    fields: { job_id: 'JOB101' },
    raw: JSON.stringify({ message }),
  }

  return {
    event,
    classification: {
      severity: options.severity ?? 'HIGH',
      ignored: false,
      rule: 'error-level',
      tags: [],
      title: null,
      noTicket: false,
    },
    grouping: { template: message, fingerprint },
  }
}
