import { useParams } from 'react-router-dom'

import { EmptyState } from '../components/empty-state.js'
import { Page } from '../components/page.js'

/** One alert: its definition and run history. */
export function AlertPage() {
  const { id = '' } = useParams()

  return (
    <Page title={`Alert ${id}`}>
      <EmptyState title="Alert details are not shown yet">
        <p>This page will show the alert's definition and the history of its runs.</p>
      </EmptyState>
    </Page>
  )
}
