import { useCallback, useEffect, useState } from 'react'

import { ApiError, api } from '../api/client.js'
import { formatTime } from '../components/format.js'
import { LogText } from '../components/log-text.js'

import type { IncidentEvent } from './incident-types.js'

const PAGE = 20

function fieldText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** One stored event: when, where from (file and byte offset), its raw text and fields. */
function EventItem({ event }: { event: IncidentEvent }) {
  const fields = Object.entries(event.fields)

  return (
    <article className="event" aria-label={`Event ${event.id}`}>
      <p className="event-meta">
        <span>{event.kind === 'first' ? 'First sample' : 'Latest sample'}</span>
        <span>{formatTime(event.timestamp)}</span>
        <span>level {event.level}</span>
        <span>
          <code>{event.source}</code> at byte {event.offset.toLocaleString()}
        </span>
      </p>
      <LogText text={event.raw} label={`Raw text of event ${event.id}`} />
      {fields.length > 0 && (
        <details>
          <summary>Fields ({fields.length})</summary>
          <dl className="fields">
            {fields.map(([name, value]) => (
              <div key={name} className="field-pair">
                <dt>{name}</dt>
                <dd>{fieldText(value)}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </article>
  )
}

/** The incident's stored samples, oldest first, a page at a time. */
export function EventList({ incidentId, version }: { incidentId: number; version: number }) {
  const [events, setEvents] = useState<IncidentEvent[] | null>(null)
  const [next, setNext] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  const fetchPage = useCallback(
    (cursor: string | null) =>
      api<{ items: IncidentEvent[]; next: string | null }>(
        `/api/v1/incidents/${incidentId}/events?limit=${PAGE}${cursor === null ? '' : `&cursor=${cursor}`}`,
      ),
    [incidentId],
  )

  useEffect(() => {
    let isCurrent = true
    fetchPage(null).then(
      (page) => {
        if (!isCurrent) return
        setEvents(page.items)
        setNext(page.next)
      },
      (reason: unknown) => {
        if (isCurrent) setError(reason instanceof ApiError ? reason.message : 'Cannot load events.')
      },
    )

    return () => {
      isCurrent = false
    }
  }, [fetchPage, version])

  const more = () => {
    if (next === null) return
    fetchPage(next).then(
      (page) => {
        setEvents([...(events ?? []), ...page.items])
        setNext(page.next)
      },
      (reason: unknown) => {
        setError(reason instanceof ApiError ? reason.message : 'Cannot load events.')
      },
    )
  }

  return (
    <section className="panel" aria-labelledby="events-title">
      <h2 id="events-title">Sample events</h2>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {events === null ? (
        error === null && <p role="status">Loading…</p>
      ) : events.length === 0 ? (
        <p className="muted">No samples are stored for this incident.</p>
      ) : (
        events.map((event) => <EventItem key={event.id} event={event} />)
      )}
      {next !== null && (
        <button type="button" className="secondary" onClick={more}>
          Load more events
        </button>
      )}
    </section>
  )
}
