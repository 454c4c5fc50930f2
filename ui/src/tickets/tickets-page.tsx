import { useCallback, useEffect, useState } from 'react'
import { Link } from 'react-router-dom'

import { ApiError, api } from '../api/client.js'
import { useAuth } from '../auth/auth-context.js'
import { EmptyState } from '../components/empty-state.js'
import { Page } from '../components/page.js'

import { ConnectionTest } from './connection-test.js'
import {
  OUTBOX_STATES,
  type OutboxItem,
  type OutboxPage,
  type OutboxState,
} from './ticket-types.js'

function when(at: string | null): string {
  return at === null ? '—' : new Date(at).toLocaleString()
}

function message(error: unknown, fallback: string): string {
  return error instanceof ApiError ? error.message : fallback
}

/** ServiceNow for admins: test the connection, watch the ticket outbox, retry a row now. */
export function TicketsPage() {
  const { account } = useAuth()
  const [filter, setFilter] = useState<OutboxState | 'all'>('all')
  const [page, setPage] = useState<OutboxPage | null>(null)
  const [older, setOlder] = useState<OutboxItem[]>([])
  const [status, setStatus] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null)

  const load = useCallback(
    (before?: number) => {
      const query = new URLSearchParams({ limit: '50' })
      if (filter !== 'all') query.set('state', filter)
      if (before !== undefined) query.set('before', String(before))
      api<OutboxPage>(`/api/v1/tickets/outbox?${query.toString()}`).then(
        (result) => {
          if (before === undefined) {
            setPage(result)
            setOlder([])
          } else {
            setOlder((rows) => [...rows, ...result.items])
            setPage((current) => (current === null ? result : { ...current, next: result.next }))
          }
        },
        (error: unknown) => {
          setStatus({ kind: 'error', text: message(error, 'Cannot load the outbox.') })
        },
      )
    },
    [filter],
  )

  useEffect(() => {
    if (account?.role === 'admin') load()
  }, [account, load])

  const retry = (item: OutboxItem) => {
    setStatus(null)
    api<OutboxItem>(`/api/v1/tickets/outbox/${item.id}/retry`, { method: 'POST' }).then(
      () => {
        setStatus({ kind: 'ok', text: `Row ${item.id} is due now; the worker sends it shortly.` })
        load()
      },
      (error: unknown) => {
        setStatus({ kind: 'error', text: message(error, 'Retry failed.') })
      },
    )
  }

  if (account?.role !== 'admin') {
    return (
      <Page title="Tickets">
        <EmptyState title="Admins only">
          <p>Only admins see the ServiceNow connection and the ticket outbox.</p>
        </EmptyState>
      </Page>
    )
  }

  const rows = page === null ? [] : [...page.items, ...older]

  return (
    <Page title="Tickets">
      <ConnectionTest />
      <section aria-labelledby="outbox-heading">
        <h2 id="outbox-heading">Outbox</h2>
        {page !== null && !page.configured && (
          <p className="muted">
            Ticketing is off: set SNOW_INSTANCE, SNOW_USER and SNOW_PASS for the worker.
          </p>
        )}
        {page !== null && (
          <p className="muted" aria-label="Rows per state">
            {OUTBOX_STATES.map((s) => `${s}: ${page.counts[s]}`).join(' · ')}
          </p>
        )}
        <label>
          Show{' '}
          <select
            value={filter}
            onChange={(e) => {
              setFilter(e.target.value as OutboxState | 'all')
            }}
          >
            <option value="all">all rows</option>
            {OUTBOX_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {status !== null && (
          <p className={status.kind === 'error' ? 'form-error' : 'form-ok'} role="status">
            {status.text}
          </p>
        )}
        {page === null ? (
          <p role="status">Loading…</p>
        ) : rows.length === 0 ? (
          <p className="muted">No rows.</p>
        ) : (
          <table className="table">
            <caption className="visually-hidden">Ticket outbox, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Incident</th>
                <th scope="col">Work</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Next attempt</th>
                <th scope="col">Reason</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((item) => (
                <tr key={item.id}>
                  <th scope="row">{item.id}</th>
                  <td>
                    <Link to={`/incidents/${item.incidentId}`}>{item.incidentTitle}</Link>
                  </td>
                  <td>{item.kind}</td>
                  <td>{item.state}</td>
                  <td>{item.attempts}</td>
                  <td>{when(item.nextAttemptAt)}</td>
                  <td>{item.lastError ?? '—'}</td>
                  <td className="actions">
                    {(item.state === 'failed' || item.state === 'pending') && (
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => {
                          retry(item)
                        }}
                      >
                        Retry now<span className="visually-hidden"> row {item.id}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {page?.next != null && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              load(page.next ?? undefined)
            }}
          >
            Older rows
          </button>
        )}
      </section>
    </Page>
  )
}
