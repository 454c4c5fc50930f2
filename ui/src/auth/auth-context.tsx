import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react'

import { api, setCsrfToken, setUnauthenticatedHandler } from '../api/client.js'

export type Role = 'viewer' | 'editor' | 'admin'

export interface Account {
  id: number
  username: string
  email: string | null
  role: Role
}

interface MeResponse {
  account: Account
  role: Role
  csrfToken: string | null
}

interface SessionResponse {
  account: Account
  csrfToken: string
}

export interface AuthState {
  /** undefined while the first check runs, null when nobody is logged in. */
  account: Account | null | undefined
  login: (username: string, password: string) => Promise<void>
  logout: () => Promise<void>
}

const AuthContext = createContext<AuthState | null>(null)

/** Knows who is logged in; learns it from GET /api/v1/me and forgets it on any 401. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [account, setAccount] = useState<Account | null | undefined>(undefined)

  useEffect(() => {
    const controller = new AbortController()
    setUnauthenticatedHandler(() => {
      setCsrfToken(null)
      setAccount(null)
    })
    api<MeResponse>('/api/v1/me', { quiet401: true, signal: controller.signal }).then(
      (me) => {
        setCsrfToken(me.csrfToken)
        setAccount({ ...me.account, role: me.role })
      },
      (error: unknown) => {
        if (!controller.signal.aborted || !(error instanceof DOMException)) setAccount(null)
      },
    )

    return () => {
      controller.abort()
      setUnauthenticatedHandler(null)
    }
  }, [])

  const login = useCallback(async (username: string, password: string) => {
    const session = await api<SessionResponse>('/api/v1/session', {
      method: 'POST',
      body: { username, password },
      quiet401: true,
    })
    setCsrfToken(session.csrfToken)
    setAccount(session.account)
  }, [])

  const logout = useCallback(async () => {
    try {
      await api('/api/v1/session', { method: 'DELETE', quiet401: true })
    } finally {
      setCsrfToken(null)
      setAccount(null)
    }
  }, [])

  const value = useMemo(() => ({ account, login, logout }), [account, login, logout])

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

/** The login state and actions; only inside AuthProvider. */
export function useAuth(): AuthState {
  const value = useContext(AuthContext)
  if (value === null) throw new Error('useAuth needs an AuthProvider above it')

  return value
}
