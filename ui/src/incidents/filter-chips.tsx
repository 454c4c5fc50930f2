import { useEffect, useState } from 'react'

import { SEVERITIES, STATUSES, type Severity, type Status } from './incident-types.js'
import type { SearchState, TimeChip } from './search-state.js'

const TIMES: { value: TimeChip; label: string }[] = [
  { value: '', label: 'Any time' },
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 h' },
  { value: '7d', label: 'Last 7 d' },
  { value: '30d', label: 'Last 30 d' },
]

function toggle<T>(list: readonly T[], value: T): T[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value]
}

/** Toggle chips for severity and status, a service field and a time window. */
export function FilterChips({
  state,
  onChange,
}: {
  state: SearchState
  onChange: (next: Partial<SearchState>) => void
}) {
  const [service, setService] = useState(state.service)

  useEffect(() => {
    setService(state.service)
  }, [state.service])

  return (
    <div className="chips">
      <div className="segmented" role="group" aria-label="Severity filter">
        {SEVERITIES.map((severity: Severity) => (
          <button
            key={severity}
            type="button"
            className="secondary chip"
            aria-pressed={state.severity.includes(severity)}
            onClick={() => {
              onChange({ severity: toggle(state.severity, severity) })
            }}
          >
            {severity}
          </button>
        ))}
      </div>
      <div className="segmented" role="group" aria-label="Status filter">
        {STATUSES.map((status: Status) => (
          <button
            key={status}
            type="button"
            className="secondary chip"
            aria-pressed={state.status.includes(status)}
            onClick={() => {
              onChange({ status: toggle(state.status, status) })
            }}
          >
            {status}
          </button>
        ))}
      </div>
      <form
        className="service-filter"
        onSubmit={(event) => {
          event.preventDefault()
          onChange({ service: service.trim() })
        }}
      >
        <label>
          <span className="visually-hidden">Service filter (* wildcards)</span>
          <input
            value={service}
            placeholder="Service (* wildcards)"
            onChange={(e) => {
              setService(e.target.value)
            }}
            onBlur={() => {
              if (service.trim() !== state.service) onChange({ service: service.trim() })
            }}
          />
        </label>
      </form>
      <label>
        <span className="visually-hidden">Time filter</span>
        <select
          value={state.since}
          onChange={(e) => {
            onChange({ since: e.target.value as TimeChip })
          }}
        >
          {TIMES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  )
}
