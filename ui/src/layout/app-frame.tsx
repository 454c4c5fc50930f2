import { useEffect, useRef } from 'react'
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom'

import { useAuth } from '../auth/auth-context.js'

const LINKS = [
  { to: '/', label: 'Dashboard', end: true },
  { to: '/incidents', label: 'Incidents', end: false },
  { to: '/alerts', label: 'Alerts', end: false },
  { to: '/sources', label: 'Sources', end: false },
  { to: '/users', label: 'Users', end: false, admin: true },
  { to: '/tickets', label: 'Tickets', end: false, admin: true },
]

/** The frame around every page after login: navigation, the account and logout, the page. */
export function AppFrame() {
  const { account, logout } = useAuth()
  const navigate = useNavigate()
  const { pathname } = useLocation()
  const main = useRef<HTMLElement>(null)
  const isFirst = useRef(true)
  const links = LINKS.filter((link) => link.admin !== true || account?.role === 'admin')

  // After navigating, move focus to the new page so screen readers announce it.
  useEffect(() => {
    if (isFirst.current) {
      isFirst.current = false

      return
    }
    main.current?.focus()
  }, [pathname])

  const onLogout = () => {
    void logout().finally(() => {
      void navigate('/login', { replace: true })
    })
  }

  return (
    <div className="frame">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">alims</span>
        <nav aria-label="Main">
          <ul>
            {links.map((link) => (
              <li key={link.to}>
                <NavLink to={link.to} end={link.end}>
                  {link.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <Link to="/account" aria-label={`Your account: ${account?.username ?? ''}`}>
            {account?.username}
          </Link>
          <span className="role">{account?.role}</span>
          <button type="button" className="secondary" onClick={onLogout}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        <Outlet />
      </main>
    </div>
  )
}
