import { useCallback, useEffect, useState } from 'react'

import { ApiError, api } from '../api/client.js'
import { useAuth } from '../auth/auth-context.js'

interface SavedSearch {
  id: number
  name: string
  query: string
  owner: string | null
  shared: boolean
}

/** Pick a saved search (own and shared), or save the current one under a name. */
export function SavedSearchMenu({
  query,
  onPick,
}: {
  query: string
  onPick: (query: string) => void
}) {
  const { account } = useAuth()
  const [saved, setSaved] = useState<SavedSearch[]>([])
  const [isSaving, setSaving] = useState(false)
  const [name, setName] = useState('')
  const [isShared, setShared] = useState(false)
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null)

  const load = useCallback(() => {
    api<{ items: SavedSearch[] }>('/api/v1/searches').then(
      (result) => {
        setSaved(result.items)
      },
      () => {
        setSaved([])
      },
    )
  }, [])

  useEffect(load, [load])

  const save = () => {
    api<SavedSearch>('/api/v1/searches', {
      method: 'POST',
      body: { name, query, shared: isShared },
    }).then(
      (created) => {
        setMessage({ kind: 'ok', text: `Saved as "${created.name}".` })
        setSaving(false)
        setName('')
        load()
      },
      (error: unknown) => {
        setMessage({
          kind: 'error',
          text: error instanceof ApiError ? error.message : 'The search was not saved.',
        })
      },
    )
  }

  return (
    <div className="saved-searches">
      <label>
        <span className="visually-hidden">Saved searches</span>
        <select
          value=""
          onChange={(event) => {
            const found = saved.find((s) => String(s.id) === event.target.value)
            if (found !== undefined) onPick(found.query)
          }}
        >
          <option value="">Saved searches…</option>
          {saved.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
              {s.owner !== account?.username
                ? ` (by ${s.owner ?? '?'})`
                : s.shared
                  ? ' (shared)'
                  : ''}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="secondary"
        aria-expanded={isSaving}
        onClick={() => {
          setMessage(null)
          setSaving(!isSaving)
        }}
      >
        Save search
      </button>
      {isSaving && (
        <form
          className="save-form"
          onSubmit={(event) => {
            event.preventDefault()
            save()
          }}
        >
          <label>
            Name of the search
            <input
              value={name}
              required
              maxLength={200}
              onChange={(e) => {
                setName(e.target.value)
              }}
            />
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={isShared}
              onChange={(e) => {
                setShared(e.target.checked)
              }}
            />
            Share with everyone
          </label>
          <p className="muted">
            Query: <code>{query === '' ? '(everything)' : query}</code>
          </p>
          <button type="submit">Save</button>
        </form>
      )}
      {message !== null && (
        <p className={message.kind === 'ok' ? 'form-ok' : 'form-error'} role="status">
          {message.text}
        </p>
      )}
    </div>
  )
}
