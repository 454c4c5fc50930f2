import type { ReactNode } from 'react'
import { Navigate, useLocation } from 'react-router-dom'

import { useAuth } from './auth-context.js'

/** Shows its children to a logged-in account; sends everyone else to /login?next=…. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { account } = useAuth()
  const location = useLocation()

  if (account === undefined) {
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    )
  }
  if (account === null) {
    const next = `${location.pathname}${location.search}`

    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />
  }

  return children
}
