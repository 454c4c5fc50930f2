import { useState, type SyntheticEvent } from 'react'

import { ApiError, api, setCsrfToken } from '../api/client.js'
import { useAuth } from '../auth/auth-context.js'
import { Page } from '../components/page.js'

/** Your own account: who you are, and changing your password (which ends your other sessions). */
export function AccountPage() {
  const { account } = useAuth()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [repeat, setRepeat] = useState('')
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (next !== repeat) {
      setMessage({ kind: 'error', text: 'The new passwords differ.' })

      return
    }
    setBusy(true)
    setMessage(null)
    api<{ csrfToken: string | null }>('/api/v1/me/password', {
      method: 'PUT',
      body: { currentPassword: current, newPassword: next },
    }).then(
      (result) => {
        setCsrfToken(result.csrfToken)
        setCurrent('')
        setNext('')
        setRepeat('')
        setMessage({ kind: 'ok', text: 'Password changed. Your other sessions were logged out.' })
        setBusy(false)
      },
      (error: unknown) => {
        setMessage({
          kind: 'error',
          text: error instanceof ApiError ? error.message : 'The server cannot be reached.',
        })
        setBusy(false)
      },
    )
  }

  return (
    <Page title="Your account">
      <dl className="facts">
        <dt>Username</dt>
        <dd>{account?.username}</dd>
        <dt>Role</dt>
        <dd>{account?.role}</dd>
        <dt>Email</dt>
        <dd>{account?.email ?? '—'}</dd>
      </dl>
      <form className="panel form" onSubmit={submit} aria-labelledby="password-title">
        <h2 id="password-title">Change password</h2>
        {message !== null && (
          <p className={message.kind === 'error' ? 'form-error' : 'form-ok'} role="alert">
            {message.text}
          </p>
        )}
        <label htmlFor="current-password">Current password</label>
        <input
          id="current-password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => {
            setCurrent(e.target.value)
          }}
        />
        <label htmlFor="new-password">New password (at least 8 characters)</label>
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          required
          value={next}
          onChange={(e) => {
            setNext(e.target.value)
          }}
        />
        <label htmlFor="repeat-password">Repeat the new password</label>
        <input
          id="repeat-password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          required
          value={repeat}
          onChange={(e) => {
            setRepeat(e.target.value)
          }}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Change password'}
        </button>
      </form>
    </Page>
  )
}
