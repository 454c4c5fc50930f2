import { EmptyState } from '../components/empty-state.js'
import { Page } from '../components/page.js'

/** Account management, for admins. */
export function UsersPage() {
  return (
    <Page title="Users">
      <EmptyState title="Account management is not shown yet">
        <p>
          Meanwhile, create accounts with <code>alims user add NAME --role viewer</code> or the{' '}
          <a href="/docs">users API</a>.
        </p>
      </EmptyState>
    </Page>
  )
}
