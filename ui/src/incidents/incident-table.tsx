import { Link } from 'react-router-dom'

import { formatCount, formatTime } from '../components/format.js'
import { SeverityBadge, StatusBadge } from '../components/severity-badge.js'

import type { Incident, Ticket } from './incident-types.js'
import type { SortKey } from './search-state.js'

interface Column {
  label: string
  sort?: SortKey
}

const COLUMNS: Column[] = [
  { label: 'Severity', sort: 'severity' },
  { label: 'Title' },
  { label: 'Service' },
  { label: 'Count', sort: 'count' },
  { label: 'First seen', sort: 'firstSeen' },
  { label: 'Last seen', sort: 'lastSeen' },
  { label: 'Status' },
  { label: 'Ticket' },
]

function TicketCell({ ticket }: { ticket: Ticket | null }) {
  if (ticket === null) return <span className="muted">—</span>
  const text = ticket.number ?? ticket.state
  if (ticket.url !== null) {
    return (
      <a href={ticket.url} target="_blank" rel="noreferrer noopener">
        {text}
      </a>
    )
  }

  return <span className={ticket.state === 'failed' ? 'danger-text' : ''}>{text}</span>
}

export interface IncidentTableProps {
  items: Incident[]
  sort: SortKey
  order: 'asc' | 'desc'
  onSort: (sort: SortKey) => void
  /** Null hides the selection column (viewers cannot change incidents). */
  selected: ReadonlySet<number> | null
  onSelect: (ids: number[], isSelected: boolean) => void
}

/** The search results: sortable headers (buttons with aria-sort) and, for editors, checkboxes. */
export function IncidentTable({
  items,
  sort,
  order,
  onSort,
  selected,
  onSelect,
}: IncidentTableProps) {
  const allSelected =
    selected !== null && items.length > 0 && items.every((i) => selected.has(i.id))

  return (
    <div className="table-scroll">
      <table className="table incidents">
        <caption className="visually-hidden">Incidents</caption>
        <thead>
          <tr>
            {selected !== null && (
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select all incidents on this page"
                  checked={allSelected}
                  onChange={(e) => {
                    onSelect(
                      items.map((i) => i.id),
                      e.target.checked,
                    )
                  }}
                />
              </th>
            )}
            {COLUMNS.map((column) => {
              const isSorted = column.sort !== undefined && column.sort === sort
              const ariaSort = isSorted ? (order === 'asc' ? 'ascending' : 'descending') : undefined

              return (
                <th key={column.label} scope="col" aria-sort={ariaSort}>
                  {column.sort === undefined ? (
                    column.label
                  ) : (
                    <button
                      type="button"
                      className="sort-button"
                      onClick={() => {
                        if (column.sort !== undefined) onSort(column.sort)
                      }}
                    >
                      {column.label}
                      <span aria-hidden="true">
                        {isSorted ? (order === 'asc' ? ' ▲' : ' ▼') : ''}
                      </span>
                    </button>
                  )}
                </th>
              )
            })}
          </tr>
        </thead>
        <tbody>
          {items.map((incident) => (
            <tr key={incident.id} className={selected?.has(incident.id) === true ? 'selected' : ''}>
              {selected !== null && (
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select incident ${incident.id}`}
                    checked={selected.has(incident.id)}
                    onChange={(e) => {
                      onSelect([incident.id], e.target.checked)
                    }}
                  />
                </td>
              )}
              <td>
                <SeverityBadge severity={incident.severity} />
              </td>
              <th scope="row" className="title-cell">
                <Link to={`/incidents/${incident.id}`} title={incident.title}>
                  {incident.title}
                </Link>
                {incident.isRegression && <span className="badge status-open">regressed</span>}
              </th>
              <td className="clip-cell" title={incident.service}>
                {incident.service}
              </td>
              <td className="number">{formatCount(incident.count)}</td>
              <td className="time">{formatTime(incident.firstSeen)}</td>
              <td className="time">{formatTime(incident.lastSeen)}</td>
              <td>
                <StatusBadge status={incident.status} />
              </td>
              <td>
                <TicketCell ticket={incident.ticket} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
