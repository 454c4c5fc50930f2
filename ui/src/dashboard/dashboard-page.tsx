import { EmptyState } from '../components/empty-state.js'
import { Page } from '../components/page.js'

/** The landing page after login: incident counts and charts will live here. */
export function DashboardPage() {
  return (
    <Page title="Dashboard">
      <EmptyState title="No incidents to chart yet">
        <p>
          When the worker reads errors from the watched log files, counts per severity and the
          newest incidents appear here.
        </p>
      </EmptyState>
    </Page>
  )
}
