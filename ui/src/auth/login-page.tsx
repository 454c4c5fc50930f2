import { useState, type SyntheticEvent } from 'react'
import { Navigate, useLocation, useNavigate } from 'react-router-dom'

import { ApiError } from '../api/client.js'

import { useAuth } from './auth-context.js'

// Only paths inside the app may be a redirect target after login.
function safeNext(search: string): string {
  const next = new URLSearchParams(search).get('next')

  return next !== null && next.startsWith('/') && !next.startsWith('//') ? next : '/'
}

function describe(error: unknown): string {
  if (error instanceof ApiError && error.code === 'LOGIN_THROTTLED') return error.message
  if (error instanceof ApiError && error.status === 401) return 'Invalid username or password.'
  if (error instanceof ApiError) return error.message

  return 'The server cannot be reached. Try again in a moment.'
}

/** The login form. After login it returns to the page that sent the visitor here. */
export function LoginPage() {
  const { account, login } = useAuth()
  const location = useLocation()
  const navigate = useNavigate()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const next = safeNext(location.search)

  if (account) return <Navigate to={next} replace />

  const submit = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    login(username, password).then(
      () => {
        void navigate(next, { replace: true })
      },
      (failure: unknown) => {
        setError(describe(failure))
        setPassword('')
        setBusy(false)
      },
    )
  }

  return (
    <main className="login" id="main">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">alims</h1>
        <p className="muted">Log in to see incidents and alerts.</p>
        {error !== null && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <label htmlFor="username">Username</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          autoFocus
          value={username}
          onChange={(e) => {
            setUsername(e.target.value)
          }}
        />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => {
            setPassword(e.target.value)
          }}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  )
}
