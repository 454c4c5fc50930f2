import { useState } from 'react'

import { ApiError, api } from '../api/client.js'
import { formatTime } from '../components/format.js'
import { StatusBadge } from '../components/severity-badge.js'

import { STATUS_ACTIONS, STATUSES, type HistoryEntry, type Incident } from './incident-types.js'

/** The status with its change buttons (editors) and the history of changes: who, when, why. */
export function StatusPanel({
  incident,
  history,
  canChange,
  onChanged,
}: {
  incident: Incident
  history: HistoryEntry[]
  canChange: boolean
  onChanged: () => void
}) {
  const [reason, setReason] = useState('')
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null)
  const [isBusy, setBusy] = useState(false)

  const change = (status: Incident['status']) => {
    setBusy(true)
    setMessage(null)
    api<Incident>(`/api/v1/incidents/${incident.id}`, {
      method: 'PATCH',
      body: reason.trim() === '' ? { status } : { status, reason: reason.trim() },
    })
      .then(
        () => {
          setMessage({ kind: 'ok', text: `Status set to ${status}.` })
          setReason('')
          onChanged()
        },
        (error: unknown) => {
          setMessage({
            kind: 'error',
            text: error instanceof ApiError ? error.message : 'The change failed.',
          })
        },
      )
      .finally(() => {
        setBusy(false)
      })
  }

  return (
    <section className="panel" aria-labelledby="status-title">
      <h2 id="status-title">Status</h2>
      <p>
        <StatusBadge status={incident.status} />
        {incident.statusChangedAt !== null && (
          <span className="muted">
            {' '}
            since {formatTime(incident.statusChangedAt)}
            {incident.statusChangedBy !== null && ` by ${incident.statusChangedBy}`}
          </span>
        )}
      </p>
      {canChange && (
        <div className="status-actions" role="group" aria-label="Change the status">
          <label>
            Reason (optional)
            <input
              value={reason}
              maxLength={1000}
              onChange={(e) => {
                setReason(e.target.value)
              }}
            />
          </label>
          {STATUSES.filter((s) => s !== incident.status).map((status) => (
            <button
              key={status}
              type="button"
              className={status === 'acknowledged' ? '' : 'secondary'}
              disabled={isBusy}
              onClick={() => {
                change(status)
              }}
            >
              {STATUS_ACTIONS[status]}
            </button>
          ))}
        </div>
      )}
      {message !== null && (
        <p className={message.kind === 'ok' ? 'form-ok' : 'form-error'} role="status">
          {message.text}
        </p>
      )}
      <h3>History</h3>
      {history.length === 0 ? (
        <p className="muted">No status changes yet.</p>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Status history</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Change</th>
              <th scope="col">Who</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {[...history].reverse().map((entry, index) => (
              <tr key={`${entry.at}-${index}`}>
                <td className="time">{formatTime(entry.at)}</td>
                <td>
                  {entry.from} → {entry.to}
                </td>
                <td>{entry.actor ?? 'alims'}</td>
                <td>{entry.reason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
