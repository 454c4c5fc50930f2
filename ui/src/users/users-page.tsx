import { useCallback, useEffect, useState } from 'react'

import { ApiError, api } from '../api/client.js'
import { useAuth, type Role } from '../auth/auth-context.js'
import { EmptyState } from '../components/empty-state.js'
import { Page } from '../components/page.js'

import { CreateUserForm } from './create-user-form.js'
import { ResetPasswordForm } from './reset-password-form.js'
import { ROLES, type UserRow } from './user-types.js'

function lastLogin(at: string | null): string {
  return at === null ? 'never' : new Date(at).toLocaleString()
}

/** Account management, for admins: list, add, change role, disable, reset a password. */
export function UsersPage() {
  const { account } = useAuth()
  const [users, setUsers] = useState<UserRow[] | null>(null)
  const [status, setStatus] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null)
  const [resetting, setResetting] = useState<UserRow | null>(null)

  const load = useCallback(() => {
    api<{ items: UserRow[] }>('/api/v1/users').then(
      (result) => {
        setUsers(result.items)
      },
      (error: unknown) => {
        setStatus({
          kind: 'error',
          text: error instanceof ApiError ? error.message : 'Cannot load.',
        })
      },
    )
  }, [])

  useEffect(load, [load])

  const change = (user: UserRow, body: { role?: Role; disabled?: boolean }, done: string) => {
    setStatus(null)
    api<UserRow>(`/api/v1/users/${user.id}`, { method: 'PATCH', body }).then(
      () => {
        setStatus({ kind: 'ok', text: done })
        load()
      },
      (error: unknown) => {
        setStatus({ kind: 'error', text: error instanceof ApiError ? error.message : 'Failed.' })
      },
    )
  }

  if (account?.role !== 'admin') {
    return (
      <Page title="Users">
        <EmptyState title="Admins only">
          <p>Only admins manage accounts. Ask one if you need another role.</p>
        </EmptyState>
      </Page>
    )
  }

  return (
    <Page title="Users">
      {status !== null && (
        <p className={status.kind === 'error' ? 'form-error' : 'form-ok'} role="status">
          {status.text}
        </p>
      )}
      {users === null ? (
        <p role="status">Loading…</p>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Accounts</caption>
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Last login</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <th scope="row">{user.username}</th>
                <td>{user.email ?? '—'}</td>
                <td>
                  <select
                    aria-label={`Role of ${user.username}`}
                    value={user.role}
                    onChange={(e) => {
                      const role = e.target.value as Role
                      change(user, { role }, `${user.username} is now ${role}.`)
                    }}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{user.disabled ? 'disabled' : 'active'}</td>
                <td>{lastLogin(user.lastLoginAt)}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => {
                      const disabled = !user.disabled
                      change(
                        user,
                        { disabled },
                        `${user.username} is ${disabled ? 'disabled' : 'enabled'}.`,
                      )
                    }}
                  >
                    {user.disabled ? 'Enable' : 'Disable'}
                    <span className="visually-hidden"> {user.username}</span>
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => {
                      setStatus(null)
                      setResetting(user)
                    }}
                  >
                    Reset password<span className="visually-hidden"> of {user.username}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {resetting !== null && (
        <ResetPasswordForm
          key={resetting.id}
          user={resetting}
          onCancel={() => {
            setResetting(null)
          }}
          onDone={() => {
            setStatus({
              kind: 'ok',
              text: `Password of ${resetting.username} reset; their sessions ended.`,
            })
            setResetting(null)
          }}
        />
      )}
      <CreateUserForm
        onCreated={(user) => {
          setStatus({ kind: 'ok', text: `Account ${user.username} added.` })
          load()
        }}
      />
    </Page>
  )
}
