import { useEffect, useState } from 'react'

import { ApiError, api } from '../api/client.js'
import { formatBytes, formatCount, formatTime } from '../components/format.js'
import { NewcomerHelp } from '../components/newcomer-help.js'
import { Page } from '../components/page.js'
import '../components/widgets.css'

import type { SourceStatus, SourcesResponse } from './source-types.js'
import './sources.css'

/** The page polls this often; lag changes with every write to a file. */
const REFRESH_MS = 5000

function Skipped({ skipped }: { skipped: Record<string, number> }) {
  const entries = Object.entries(skipped).filter(([, n]) => n > 0)
  if (entries.length === 0) return <span className="muted">none</span>

  return (
    <ul className="skipped">
      {entries.map(([reason, n]) => (
        <li key={reason}>
          <code>{reason}</code> {formatCount(n)}
        </li>
      ))}
    </ul>
  )
}

function state(source: SourceStatus): { text: string; className: string } {
  if (source.lastError !== null) return { text: 'error', className: 'status-open' }
  if (source.present === false) return { text: 'gone', className: 'status-ignored' }
  if (source.lag > 0) return { text: 'behind', className: 'status-acknowledged' }

  return { text: 'up to date', className: 'status-resolved' }
}

/** Watched log files with how far the worker has read them, lag, skipped lines and errors. */
export function SourcesPage() {
  const [data, setData] = useState<SourcesResponse | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let isCurrent = true
    const load = () => {
      api<SourcesResponse>('/api/v1/sources').then(
        (result) => {
          if (!isCurrent) return
          setData(result)
          setError(null)
        },
        (reason: unknown) => {
          if (isCurrent) setError(reason instanceof ApiError ? reason.message : 'Cannot load.')
        },
      )
    }
    load()
    const timer = setInterval(load, REFRESH_MS)

    return () => {
      isCurrent = false
      clearInterval(timer)
    }
  }, [])

  return (
    <Page title="Sources">
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {data === null ? (
        error === null && <p role="status">Loading…</p>
      ) : data.items.length === 0 ? (
        <NewcomerHelp title="No log file read yet" />
      ) : (
        <>
          <p>
            Watching{' '}
            {data.globs.map((glob, index) => (
              <span key={glob}>
                {index > 0 && ', '}
                <code>{glob}</code>
              </span>
            ))}{' '}
            <span className="muted">(ALIMS_LOG_PATHS, relative to {data.cwd})</span>. Refreshes
            every {REFRESH_MS / 1000} s.
          </p>
          <div className="table-scroll">
            <table className="table sources">
              <caption className="visually-hidden">Watched files</caption>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">State</th>
                  <th scope="col">Read / size</th>
                  <th scope="col">Lag</th>
                  <th scope="col">Last event</th>
                  <th scope="col">Lines</th>
                  <th scope="col">Events</th>
                  <th scope="col">Skipped</th>
                  <th scope="col">Last error</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((source) => {
                  const shown = state(source)

                  return (
                    <tr key={source.path}>
                      <th scope="row" className="path">
                        <code>{source.path}</code>
                      </th>
                      <td>
                        <span className={`badge ${shown.className}`}>{shown.text}</span>
                      </td>
                      <td className="number">
                        {formatBytes(source.offset)} / {formatBytes(source.size)}
                      </td>
                      <td className="number">{formatBytes(source.lag)}</td>
                      <td className="time">{formatTime(source.lastEventAt)}</td>
                      <td className="number">{formatCount(source.linesRead)}</td>
                      <td className="number">{formatCount(source.events)}</td>
                      <td>
                        <Skipped skipped={source.skipped} />
                      </td>
                      <td className={source.lastError === null ? 'muted' : 'danger-text'}>
                        {source.lastError ?? '—'}
                      </td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Page>
  )
}
