import { Link } from 'react-router-dom'

import { formatCount } from '../components/format.js'
import { SEVERITIES, STATUSES } from '../incidents/incident-types.js'

import type { Stats } from './stats-types.js'

function searchLink(query: string): string {
  return `/incidents?q=${encodeURIComponent(query)}`
}

/** Open incidents per severity and all incidents per status; each card opens its search. */
export function SummaryCards({ stats }: { stats: Stats }) {
  return (
    <section aria-labelledby="cards-title">
      <h2 id="cards-title" className="visually-hidden">
        Counts
      </h2>
      <ul className="cards">
        {SEVERITIES.map((severity) => (
          <li key={severity} className={`card severity-card-${severity.toLowerCase()}`}>
            <Link to={searchLink(`severity:${severity} status:open`)}>
              <span className="card-figure">{formatCount(stats.openBySeverity[severity])}</span>
              <span className="card-label">open {severity}</span>
            </Link>
          </li>
        ))}
        {STATUSES.map((status) => (
          <li key={status} className="card">
            <Link to={searchLink(`status:${status}`)}>
              <span className="card-figure">{formatCount(stats.byStatus[status])}</span>
              <span className="card-label">{status}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  )
}
