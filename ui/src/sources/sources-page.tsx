import { EmptyState } from '../components/empty-state.js'
import { Page } from '../components/page.js'

/** Watched log files with their progress. */
export function SourcesPage() {
  return (
    <Page title="Sources">
      <EmptyState title="No sources">
        <p>
          Log files matched by ALIMS_LOG_PATHS appear here with how far the worker has read them.
        </p>
      </EmptyState>
    </Page>
  )
}
