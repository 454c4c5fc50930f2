import { useState, type SyntheticEvent } from 'react'

import { ApiError, api } from '../api/client.js'

import { AlertPreview } from './alert-preview.js'
import type { AlertDraft, AlertRow } from './alert-types.js'
import { ScheduleFields } from './schedule-fields.js'

function splitRecipients(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((r) => r.trim())
    .filter((r) => r !== '')
}

/** Creates or edits an alert, with a live preview; the server names any wrong field. */
export function AlertForm({
  initial,
  alertId,
  onSaved,
}: {
  initial: AlertDraft
  alertId: number | null
  onSaved: (alert: AlertRow) => void
}) {
  const [draft, setDraft] = useState<AlertDraft>(initial)
  const [recipients, setRecipients] = useState(initial.recipients.join(', '))
  const [error, setError] = useState<{ text: string; field: string | undefined } | null>(null)
  const [busy, setBusy] = useState(false)
  const current: AlertDraft = { ...draft, recipients: splitRecipients(recipients) }
  const set = <K extends keyof AlertDraft>(key: K, value: AlertDraft[K]) => {
    setDraft({ ...draft, [key]: value })
  }

  const submit = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    const request =
      alertId === null
        ? api<AlertRow>('/api/v1/alerts', { method: 'POST', body: current })
        : api<AlertRow>(`/api/v1/alerts/${alertId}`, { method: 'PUT', body: current })
    request.then(
      (alert) => {
        setBusy(false)
        onSaved(alert)
      },
      (failure: unknown) => {
        setBusy(false)
        setError(
          failure instanceof ApiError
            ? { text: failure.message, field: failure.field }
            : { text: 'The server cannot be reached.', field: undefined },
        )
      },
    )
  }

  return (
    <div className="alert-editor">
      <form className="panel form alert-form" onSubmit={submit} aria-labelledby="alert-form-title">
        <h2 id="alert-form-title">{alertId === null ? 'New alert' : 'Edit alert'}</h2>
        {error !== null && (
          <p className="form-error" role="alert">
            {error.field === undefined ? '' : `${error.field}: `}
            {error.text}
          </p>
        )}
        <label htmlFor="alert-name">Name</label>
        <input
          id="alert-name"
          required
          maxLength={200}
          value={draft.name}
          onChange={(e) => {
            set('name', e.target.value)
          }}
        />
        <label htmlFor="alert-query">Search query</label>
        <input
          id="alert-query"
          spellCheck={false}
          placeholder="e.g. severity:HIGH service:checkout timeout"
          value={draft.query}
          onChange={(e) => {
            set('query', e.target.value)
          }}
        />
        <label htmlFor="alert-recipients">Recipients (comma-separated addresses)</label>
        <input
          id="alert-recipients"
          required
          spellCheck={false}
          value={recipients}
          onChange={(e) => {
            setRecipients(e.target.value)
          }}
        />
        <label htmlFor="alert-min">Send when there are at least this many occurrences</label>
        <input
          id="alert-min"
          type="number"
          min={1}
          value={draft.minOccurrences}
          onChange={(e) => {
            set('minOccurrences', Number(e.target.value))
          }}
        />
        <ScheduleFields
          value={draft.schedule}
          onChange={(schedule) => {
            set('schedule', schedule)
          }}
        />
        <label htmlFor="alert-subject">Subject</label>
        <input
          id="alert-subject"
          value={draft.subject}
          onChange={(e) => {
            set('subject', e.target.value)
          }}
        />
        <label htmlFor="alert-body">Body</label>
        <textarea
          id="alert-body"
          rows={8}
          value={draft.body}
          onChange={(e) => {
            set('body', e.target.value)
          }}
        />
        <p className="muted">
          Placeholders:{' '}
          {
            '{{alert.name}} {{count}} {{query}} {{window.from}} {{window.to}} {{incidents}} {{link}}'
          }
        </p>
        <label>
          <input
            type="checkbox"
            checked={draft.includeSummary}
            onChange={(e) => {
              set('includeSummary', e.target.checked)
            }}
          />{' '}
          Include search criteria and incident summary
        </label>
        <label htmlFor="alert-missed">After downtime</label>
        <select
          id="alert-missed"
          value={draft.missedPolicy}
          onChange={(e) => {
            set('missedPolicy', e.target.value as AlertDraft['missedPolicy'])
          }}
        >
          <option value="catch_up">one catch-up run at once</option>
          <option value="skip">skip missed runs (wait for the next one)</option>
        </select>
        <label htmlFor="alert-max">At most this many emails per hour</label>
        <input
          id="alert-max"
          type="number"
          min={1}
          value={draft.maxPerHour}
          onChange={(e) => {
            set('maxPerHour', Number(e.target.value))
          }}
        />
        <label>
          <input
            type="checkbox"
            checked={draft.enabled}
            onChange={(e) => {
              set('enabled', e.target.checked)
            }}
          />{' '}
          Enabled
        </label>
        <button type="submit" disabled={busy}>
          {alertId === null ? 'Create alert' : 'Save changes'}
        </button>
      </form>
      <AlertPreview draft={current} />
    </div>
  )
}
