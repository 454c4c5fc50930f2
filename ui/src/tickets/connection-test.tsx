import { useState } from 'react'

import { ApiError, api } from '../api/client.js'

import type { ConnectionReport } from './ticket-types.js'

const CHECK_NAMES = { auth: 'Credentials', table: 'Incident table', role: 'itil role' } as const

/** Runs the ServiceNow connection test and shows each check with what was found. */
export function ConnectionTest() {
  const [report, setReport] = useState<ConnectionReport | null>(null)
  const [running, setRunning] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const run = () => {
    setRunning(true)
    setError(null)
    api<ConnectionReport>('/api/v1/tickets/connection-test', { method: 'POST' })
      .then(setReport, (failure: unknown) => {
        setError(failure instanceof ApiError ? failure.message : 'The test could not run.')
      })
      .finally(() => {
        setRunning(false)
      })
  }

  return (
    <section aria-labelledby="connection-heading">
      <h2 id="connection-heading">ServiceNow connection</h2>
      <button type="button" onClick={run} disabled={running}>
        {running ? 'Testing…' : 'Test connection'}
      </button>
      {error !== null && (
        <p className="form-error" role="status">
          {error}
        </p>
      )}
      {report !== null && !report.configured && (
        <p role="status">Ticketing is off: SNOW_INSTANCE is not set.</p>
      )}
      {report !== null && report.configured && (
        <div role="status">
          <p className={report.ok ? 'form-ok' : 'form-error'}>
            {report.ok ? 'Connected' : 'Not ready'} to {report.instance}
          </p>
          <ul>
            {report.checks.map((check) => (
              <li key={check.name}>
                {check.ok ? '✓' : '✗'} {CHECK_NAMES[check.name]}: {check.detail}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  )
}
