import { useParams } from 'react-router-dom'

import { EmptyState } from '../components/empty-state.js'
import { Page } from '../components/page.js'

/** One incident: its events, status and ticket. */
export function IncidentPage() {
  const { id = '' } = useParams()

  return (
    <Page title={`Incident ${id}`}>
      <EmptyState title="Incident details are not shown yet">
        <p>This page will show the incident's events, status history and ticket.</p>
      </EmptyState>
    </Page>
  )
}
