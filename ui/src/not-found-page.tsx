import { Link } from 'react-router-dom'

import { Page } from './components/page.js'

/** Any address the app does not know. */
export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <p>
        There is nothing at this address. <Link to="/">Go to the dashboard</Link>.
      </p>
    </Page>
  )
}
