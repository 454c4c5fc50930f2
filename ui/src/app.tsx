import { BrowserRouter, Route, Routes } from 'react-router-dom'

import { AccountPage } from './account/account-page.js'
import { AlertPage } from './alerts/alert-page.js'
import { AlertsPage } from './alerts/alerts-page.js'
import { AuthProvider } from './auth/auth-context.js'
import { LoginPage } from './auth/login-page.js'
import { RequireAuth } from './auth/require-auth.js'
import { DashboardPage } from './dashboard/dashboard-page.js'
import { IncidentPage } from './incidents/incident-page.js'
import { IncidentsPage } from './incidents/incidents-page.js'
import { AppFrame } from './layout/app-frame.js'
import { NotFoundPage } from './not-found-page.js'
import { SourcesPage } from './sources/sources-page.js'
import { TicketsPage } from './tickets/tickets-page.js'
import { UsersPage } from './users/users-page.js'

/**
 * The app's addresses. They are stable (emails and tickets link to them); the server answers
 * each with index.html. A feature adds its page under ui/src/<feature>/ and a route here.
 */
export function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route
            element={
              <RequireAuth>
                <AppFrame />
              </RequireAuth>
            }
          >
            <Route index element={<DashboardPage />} />
            <Route path="incidents" element={<IncidentsPage />} />
            <Route path="incidents/:id" element={<IncidentPage />} />
            <Route path="alerts" element={<AlertsPage />} />
            <Route path="alerts/:id" element={<AlertPage />} />
            <Route path="sources" element={<SourcesPage />} />
            <Route path="users" element={<UsersPage />} />
            <Route path="tickets" element={<TicketsPage />} />
            <Route path="account" element={<AccountPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </AuthProvider>
    </BrowserRouter>
  )
}
