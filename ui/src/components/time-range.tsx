import { useId, useState } from 'react'

export type RangeKey = '1h' | '24h' | '7d' | '30d' | 'custom'

/** A time window: a preset before now, or custom ISO bounds. */
export interface TimeRange {
  key: RangeKey
  from?: string
  to?: string
}

const PRESETS: { key: Exclude<RangeKey, 'custom'>; label: string }[] = [
  { key: '1h', label: '1 h' },
  { key: '24h', label: '24 h' },
  { key: '7d', label: '7 d' },
  { key: '30d', label: '30 d' },
]

const KEYS: readonly RangeKey[] = ['1h', '24h', '7d', '30d', 'custom']

/** Reads a range from the address (`?range=7d`, or `?range=custom&from=…&to=…`); default 24 h. */
export function readRange(params: URLSearchParams): TimeRange {
  const key = params.get('range') as RangeKey | null
  const from = params.get('from')
  const to = params.get('to')
  if (key === 'custom' && from !== null && !Number.isNaN(Date.parse(from))) {
    return { key, from, ...(to !== null && !Number.isNaN(Date.parse(to)) ? { to } : {}) }
  }

  return { key: key !== null && key !== 'custom' && KEYS.includes(key) ? key : '24h' }
}

/** The address form of a range, so a dashboard link keeps its window. */
export function writeRange(range: TimeRange): URLSearchParams {
  const params = new URLSearchParams({ range: range.key })
  if (range.from !== undefined) params.set('from', range.from)
  if (range.to !== undefined) params.set('to', range.to)

  return params
}

/** The `from`/`to` query parameters of a range, as the stats API takes them. */
export function rangeParams(range: TimeRange): Record<string, string> {
  if (range.key !== 'custom') return { from: `-${range.key}` }

  return {
    ...(range.from === undefined ? {} : { from: range.from }),
    ...(range.to === undefined ? {} : { to: range.to }),
  }
}

function toLocalInput(iso: string | undefined): string {
  if (iso === undefined) return ''
  const date = new Date(iso)
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000)

  return shifted.toISOString().slice(0, 16)
}

/** Buttons for 1 h, 24 h, 7 d, 30 d and a custom window given in local time. */
export function TimeRangePicker({
  value,
  onChange,
}: {
  value: TimeRange
  onChange: (range: TimeRange) => void
}) {
  const [from, setFrom] = useState(toLocalInput(value.from))
  const [to, setTo] = useState(toLocalInput(value.to))
  const [isCustomOpen, setCustomOpen] = useState(value.key === 'custom')
  const [error, setError] = useState<string | null>(null)
  const id = useId()

  const apply = () => {
    const start = Date.parse(from)
    const end = to === '' ? Date.now() : Date.parse(to)
    if (Number.isNaN(start) || Number.isNaN(end) || start >= end) {
      setError('Give a start before the end.')

      return
    }
    setError(null)
    onChange({
      key: 'custom',
      from: new Date(start).toISOString(),
      ...(to === '' ? {} : { to: new Date(end).toISOString() }),
    })
  }

  return (
    <div className="range-picker">
      <div className="segmented" role="group" aria-label="Time range">
        {PRESETS.map((preset) => (
          <button
            key={preset.key}
            type="button"
            className="secondary"
            aria-pressed={value.key === preset.key}
            onClick={() => {
              setCustomOpen(false)
              onChange({ key: preset.key })
            }}
          >
            {preset.label}
          </button>
        ))}
        <button
          type="button"
          className="secondary"
          aria-pressed={value.key === 'custom'}
          aria-expanded={isCustomOpen}
          aria-controls={`${id}-custom`}
          onClick={() => {
            setCustomOpen(!isCustomOpen)
          }}
        >
          Custom
        </button>
      </div>
      {isCustomOpen && (
        <form
          id={`${id}-custom`}
          className="custom-range"
          onSubmit={(event) => {
            event.preventDefault()
            apply()
          }}
        >
          <label>
            From
            <input
              type="datetime-local"
              value={from}
              required
              onChange={(e) => {
                setFrom(e.target.value)
              }}
            />
          </label>
          <label>
            To (empty: now)
            <input
              type="datetime-local"
              value={to}
              onChange={(e) => {
                setTo(e.target.value)
              }}
            />
          </label>
          <button type="submit">Apply</button>
          {error !== null && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
    </div>
  )
}
