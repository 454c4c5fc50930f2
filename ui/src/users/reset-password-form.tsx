import { useState, type SyntheticEvent } from 'react'

import { ApiError, api } from '../api/client.js'

import type { UserRow } from './user-types.js'

/** Sets a new password for someone else's account; the server ends that account's sessions. */
export function ResetPasswordForm({
  user,
  onDone,
  onCancel,
}: {
  user: UserRow
  onDone: () => void
  onCancel: () => void
}) {
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    api(`/api/v1/users/${user.id}/password`, { method: 'PUT', body: { password } }).then(
      onDone,
      (failure: unknown) => {
        setError(failure instanceof ApiError ? failure.message : 'The server cannot be reached.')
        setBusy(false)
      },
    )
  }

  return (
    <form className="panel form" onSubmit={submit} aria-labelledby="reset-title">
      <h2 id="reset-title">Reset the password of {user.username}</h2>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <label htmlFor="reset-password">New password (at least 8 characters)</label>
      <input
        id="reset-password"
        type="password"
        autoComplete="new-password"
        minLength={8}
        required
        autoFocus
        value={password}
        onChange={(e) => {
          setPassword(e.target.value)
        }}
      />
      <div className="buttons">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Set password'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
