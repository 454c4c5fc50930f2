import { EmptyState } from '../components/empty-state.js'
import { Page } from '../components/page.js'

/** Alert definitions. */
export function AlertsPage() {
  return (
    <Page title="Alerts">
      <EmptyState title="No alerts">
        <p>Alerts email people on a schedule about new incidents that match a search.</p>
      </EmptyState>
    </Page>
  )
}
