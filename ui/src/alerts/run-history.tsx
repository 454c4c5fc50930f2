import { Link } from 'react-router-dom'

import { STATUS_LABELS, when, type RunRow } from './alert-types.js'

/** A table of alert runs, newest first; `showAlert` adds a column linking to each run's alert. */
export function RunHistory({ runs, showAlert = false }: { runs: RunRow[]; showAlert?: boolean }) {
  if (runs.length === 0) return <p className="muted">No runs yet.</p>

  return (
    <table className="table alert-runs">
      <caption className="visually-hidden">Alert runs</caption>
      <thead>
        <tr>
          {showAlert && <th scope="col">Alert</th>}
          <th scope="col">Started</th>
          <th scope="col">Trigger</th>
          <th scope="col">Status</th>
          <th scope="col">Window</th>
          <th scope="col">Matched</th>
          <th scope="col">Attempts</th>
          <th scope="col">Delivery</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.id} data-status={run.status}>
            {showAlert && (
              <td>
                <Link to={`/alerts/${run.alertId}`}>Alert {run.alertId}</Link>
              </td>
            )}
            <td>{when(run.startedAt)}</td>
            <td>{run.trigger}</td>
            <td>
              {STATUS_LABELS[run.status]}
              {run.possibleDuplicate && <strong> · possible duplicate</strong>}
            </td>
            <td>
              {when(run.windowFrom)} – {when(run.windowTo)}
            </td>
            <td>
              {run.matched}
              {run.incidentIds.length > 0 && (
                <>
                  {' '}
                  (
                  {run.incidentIds.slice(0, 5).map((id, i) => (
                    <span key={id}>
                      {i > 0 && ', '}
                      <Link to={`/incidents/${id}`}>#{id}</Link>
                    </span>
                  ))}
                  {run.incidentIds.length > 5 && ', …'})
                </>
              )}
            </td>
            <td>{run.attempts}</td>
            <td className="delivery">
              {run.recipients.length > 0 && <div>to {run.recipients.join(', ')}</div>}
              {run.messageId !== null && <div className="muted">{run.messageId}</div>}
              {run.smtpReply !== null && <div className="muted">{run.smtpReply}</div>}
              {run.error !== null && <div className="form-error">{run.error}</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
