import './alerts.css'

import { useCallback, useEffect, useState } from 'react'
import { useNavigate, useParams, useSearchParams } from 'react-router-dom'

import { ApiError, api } from '../api/client.js'
import { useAuth } from '../auth/auth-context.js'
import { EmptyState } from '../components/empty-state.js'
import { Page } from '../components/page.js'

import { AlertForm } from './alert-form.js'
import {
  STATUS_LABELS,
  describeSchedule,
  draftOf,
  newDraft,
  when,
  type AlertRow,
  type RunRow,
} from './alert-types.js'
import { RunHistory } from './run-history.js'

/** `/alerts/new?q=…` (create, prefilled from a search) or `/alerts/:id` (details, edit, history). */
export function AlertPage() {
  const { id = '' } = useParams()
  const [search] = useSearchParams()
  const navigate = useNavigate()
  const { account } = useAuth()
  const canEdit = account?.role === 'editor' || account?.role === 'admin'

  if (id === 'new') {
    if (!canEdit) {
      return (
        <Page title="New alert">
          <EmptyState title="Editors only">
            <p>Editors and admins create alerts. Ask one to create this alert for you.</p>
          </EmptyState>
        </Page>
      )
    }

    return (
      <Page title="New alert">
        <AlertForm
          initial={newDraft(search.get('q') ?? '')}
          alertId={null}
          onSaved={(alert) => {
            void navigate(`/alerts/${alert.id}`)
          }}
        />
      </Page>
    )
  }

  return <AlertDetails id={Number(id)} canEdit={canEdit} />
}

function AlertDetails({ id, canEdit }: { id: number; canEdit: boolean }) {
  const navigate = useNavigate()
  const [alert, setAlert] = useState<AlertRow | null>(null)
  const [runs, setRuns] = useState<RunRow[]>([])
  const [editing, setEditing] = useState(false)
  const [status, setStatus] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null)

  const fail = (failure: unknown) => {
    setStatus({ kind: 'error', text: failure instanceof ApiError ? failure.message : 'Failed.' })
  }
  const load = useCallback(() => {
    api<AlertRow>(`/api/v1/alerts/${id}`).then(setAlert, fail)
    api<{ items: RunRow[] }>(`/api/v1/alerts/${id}/history?limit=100`).then((r) => {
      setRuns(r.items)
    }, fail)
  }, [id])
  useEffect(load, [load])

  const act = (promise: Promise<RunRow | AlertRow>, done: (r: RunRow | AlertRow) => string) => {
    setStatus(null)
    promise.then((result) => {
      setStatus({ kind: 'ok', text: done(result) })
      load()
    }, fail)
  }
  const runText = (r: RunRow | AlertRow) =>
    'status' in r ? `Run ${STATUS_LABELS[r.status]}.` : 'Done.'

  if (alert === null) {
    return (
      <Page title={`Alert ${id}`}>
        {status === null ? (
          <p role="status">Loading…</p>
        ) : (
          <p className="form-error">{status.text}</p>
        )}
      </Page>
    )
  }

  return (
    <Page title={alert.name}>
      {status !== null && (
        <p className={status.kind === 'error' ? 'form-error' : 'form-ok'} role="status">
          {status.text}
        </p>
      )}
      <dl className="facts panel">
        <dt>Query</dt>
        <dd>
          <code>{alert.query === '' ? '(all incidents)' : alert.query}</code>
        </dd>
        <dt>Recipients</dt>
        <dd>{alert.recipients.join(', ')}</dd>
        <dt>Schedule</dt>
        <dd>{describeSchedule(alert.schedule)}</dd>
        <dt>Enabled</dt>
        <dd>{alert.enabled ? 'yes' : 'no'}</dd>
        <dt>Reports what is new since</dt>
        <dd>{when(alert.lastTriggered)}</dd>
        <dt>Next run</dt>
        <dd>{when(alert.nextRunAt)}</dd>
      </dl>
      {canEdit && (
        <div className="buttons">
          <button
            type="button"
            onClick={() => {
              act(api<RunRow>(`/api/v1/alerts/${id}/run`, { method: 'POST' }), runText)
            }}
          >
            Run now
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              act(api<RunRow>(`/api/v1/alerts/${id}/test`, { method: 'POST' }), (r) =>
                'status' in r ? `Test email ${STATUS_LABELS[r.status]}.` : 'Done.',
              )
            }}
          >
            Send test email
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              act(
                api<AlertRow>(`/api/v1/alerts/${id}`, {
                  method: 'PUT',
                  body: { enabled: !alert.enabled },
                }),
                () => (alert.enabled ? 'Disabled.' : 'Enabled.'),
              )
            }}
          >
            {alert.enabled ? 'Disable' : 'Enable'}
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setEditing(!editing)
            }}
          >
            {editing ? 'Close editor' : 'Edit'}
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              if (!window.confirm(`Delete the alert "${alert.name}" and its history?`)) return
              api(`/api/v1/alerts/${id}`, { method: 'DELETE' }).then(() => {
                void navigate('/alerts')
              }, fail)
            }}
          >
            Delete
          </button>
        </div>
      )}
      {editing && (
        <AlertForm
          initial={draftOf(alert)}
          alertId={alert.id}
          onSaved={(saved) => {
            setAlert(saved)
            setEditing(false)
            setStatus({ kind: 'ok', text: 'Saved; the alert is rescheduled.' })
          }}
        />
      )}
      <section className="panel" aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        <RunHistory runs={runs} />
      </section>
    </Page>
  )
}
