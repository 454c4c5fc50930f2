import './alerts.css'

import { useCallback, useEffect, useState } from 'react'
import { Link } from 'react-router-dom'

import { ApiError, api } from '../api/client.js'
import { useAuth } from '../auth/auth-context.js'
import { EmptyState } from '../components/empty-state.js'
import { Page } from '../components/page.js'

import { STATUS_LABELS, describeSchedule, when, type AlertRow, type RunRow } from './alert-types.js'
import { RunHistory } from './run-history.js'

/** Every alert, with its schedule and latest run, and the latest runs of all alerts. */
export function AlertsPage() {
  const { account } = useAuth()
  const canEdit = account?.role === 'editor' || account?.role === 'admin'
  const [alerts, setAlerts] = useState<AlertRow[] | null>(null)
  const [runs, setRuns] = useState<RunRow[]>([])
  const [status, setStatus] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null)

  const fail = (failure: unknown) => {
    setStatus({ kind: 'error', text: failure instanceof ApiError ? failure.message : 'Failed.' })
  }
  const load = useCallback(() => {
    api<{ items: AlertRow[] }>('/api/v1/alerts').then((r) => {
      setAlerts(r.items)
    }, fail)
    api<{ items: RunRow[] }>('/api/v1/alert-runs?limit=20').then((r) => {
      setRuns(r.items)
    }, fail)
  }, [])
  useEffect(load, [load])

  const act = (promise: Promise<unknown>, done: string) => {
    setStatus(null)
    promise.then(() => {
      setStatus({ kind: 'ok', text: done })
      load()
    }, fail)
  }

  return (
    <Page title="Alerts">
      {canEdit && (
        <p>
          <Link className="button" to="/alerts/new">
            New alert
          </Link>
        </p>
      )}
      {status !== null && (
        <p className={status.kind === 'error' ? 'form-error' : 'form-ok'} role="status">
          {status.text}
        </p>
      )}
      {alerts === null ? (
        <p role="status">Loading…</p>
      ) : alerts.length === 0 ? (
        <EmptyState title="No alerts">
          <p>
            Alerts email people on a schedule about new incidents that match a search. Create one
            here or from a search on the Incidents page.
          </p>
        </EmptyState>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Alerts</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Query</th>
              <th scope="col">Schedule</th>
              <th scope="col">Enabled</th>
              <th scope="col">Last run</th>
              <th scope="col">Next run</th>
              {canEdit && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {alerts.map((alert) => (
              <tr key={alert.id}>
                <th scope="row">
                  <Link to={`/alerts/${alert.id}`}>{alert.name}</Link>
                </th>
                <td>
                  <code>{alert.query === '' ? '(all incidents)' : alert.query}</code>
                </td>
                <td>{describeSchedule(alert.schedule)}</td>
                <td>{alert.enabled ? 'yes' : 'no'}</td>
                <td>
                  {alert.lastRun === null || alert.lastRun === undefined
                    ? '—'
                    : `${when(alert.lastRun.startedAt)} · ${STATUS_LABELS[alert.lastRun.status]}`}
                </td>
                <td>{when(alert.nextRunAt)}</td>
                {canEdit && (
                  <td className="actions">
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => {
                        act(
                          api(`/api/v1/alerts/${alert.id}`, {
                            method: 'PUT',
                            body: { enabled: !alert.enabled },
                          }),
                          `${alert.name} is ${alert.enabled ? 'disabled' : 'enabled'}.`,
                        )
                      }}
                    >
                      {alert.enabled ? 'Disable' : 'Enable'}
                      <span className="visually-hidden"> {alert.name}</span>
                    </button>
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => {
                        act(
                          api(`/api/v1/alerts/${alert.id}/run`, { method: 'POST' }),
                          `${alert.name} ran.`,
                        )
                      }}
                    >
                      Run now<span className="visually-hidden"> {alert.name}</span>
                    </button>
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => {
                        if (!window.confirm(`Delete the alert "${alert.name}" and its history?`))
                          return
                        act(
                          api(`/api/v1/alerts/${alert.id}`, { method: 'DELETE' }),
                          `${alert.name} deleted.`,
                        )
                      }}
                    >
                      Delete<span className="visually-hidden"> {alert.name}</span>
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section className="panel" aria-labelledby="recent-runs-title">
        <h2 id="recent-runs-title">Recent runs of all alerts</h2>
        <RunHistory runs={runs} showAlert />
      </section>
    </Page>
  )
}
