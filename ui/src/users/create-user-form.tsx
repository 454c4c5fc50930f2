import { useState, type SyntheticEvent } from 'react'

import { ApiError, api } from '../api/client.js'
import type { Role } from '../auth/auth-context.js'

import { ROLES, type UserRow } from './user-types.js'

/** Creates an account; the admin sets a first password and tells it to the person. */
export function CreateUserForm({ onCreated }: { onCreated: (user: UserRow) => void }) {
  const [username, setUsername] = useState('')
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<Role>('viewer')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    api<UserRow>('/api/v1/users', {
      method: 'POST',
      body: { username, role, password, email: email === '' ? null : email },
    }).then(
      (user) => {
        setUsername('')
        setEmail('')
        setPassword('')
        setRole('viewer')
        setBusy(false)
        onCreated(user)
      },
      (failure: unknown) => {
        setError(failure instanceof ApiError ? failure.message : 'The server cannot be reached.')
        setBusy(false)
      },
    )
  }

  return (
    <form className="panel form" onSubmit={submit} aria-labelledby="create-user-title">
      <h2 id="create-user-title">Add an account</h2>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <label htmlFor="new-username">Username</label>
      <input
        id="new-username"
        required
        autoComplete="off"
        spellCheck={false}
        value={username}
        onChange={(e) => {
          setUsername(e.target.value)
        }}
      />
      <label htmlFor="new-email">Email (optional)</label>
      <input
        id="new-email"
        type="email"
        autoComplete="off"
        value={email}
        onChange={(e) => {
          setEmail(e.target.value)
        }}
      />
      <label htmlFor="new-role">Role</label>
      <select
        id="new-role"
        value={role}
        onChange={(e) => {
          setRole(e.target.value as Role)
        }}
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <label htmlFor="new-user-password">First password (at least 8 characters)</label>
      <input
        id="new-user-password"
        type="password"
        autoComplete="new-password"
        minLength={8}
        required
        value={password}
        onChange={(e) => {
          setPassword(e.target.value)
        }}
      />
      <button type="submit" disabled={busy}>
        {busy ? 'Adding…' : 'Add account'}
      </button>
    </form>
  )
}
