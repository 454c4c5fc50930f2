import { EmptyState } from '../components/empty-state.js'
import { Page } from '../components/page.js'

/** Incident search, newest activity first. */
export function IncidentsPage() {
  return (
    <Page title="Incidents">
      <EmptyState title="No incidents">
        <p>Errors found in the logs are grouped into incidents and listed here.</p>
      </EmptyState>
    </Page>
  )
}
