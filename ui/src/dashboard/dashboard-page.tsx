import { useCallback, useEffect, useMemo, useState } from 'react'
import { Link, useSearchParams } from 'react-router-dom'

import { ApiError, api } from '../api/client.js'
import { ago, formatCount, plural } from '../components/format.js'
import { NewcomerHelp } from '../components/newcomer-help.js'
import { Page } from '../components/page.js'
import { SeverityBadge, StatusBadge } from '../components/severity-badge.js'
import { StackedChart } from '../components/stacked-chart.js'
import {
  rangeParams,
  readRange,
  TimeRangePicker,
  writeRange,
  type TimeRange,
} from '../components/time-range.js'
import { streamLabel, useCoalesced, useIncidentStream } from '../components/use-incident-stream.js'
import { SEVERITIES, type IncidentPage } from '../incidents/incident-types.js'

import { AlertSummary } from './alert-summary.js'
import { SEVERITY_COLORS, type Stats } from './stats-types.js'
import { SummaryCards } from './summary-cards.js'
import '../components/widgets.css'
import './dashboard.css'

/** Live figures are fetched again this long after a change, at most once per this period. */
const REFRESH_COALESCE_MS = 250
const NEWEST = 8

/** The operator's daily screen: counts, occurrences over time, noisy services, newest incidents. */
export function DashboardPage() {
  const [params, setParams] = useSearchParams()
  const rangeKey = params.toString()
  const range = useMemo(() => readRange(new URLSearchParams(rangeKey)), [rangeKey])
  const setRange = (next: TimeRange) => {
    setParams(writeRange(next))
  }
  const [stats, setStats] = useState<Stats | null>(null)
  const [newest, setNewest] = useState<IncidentPage | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [version, setVersion] = useState(0)
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null)

  useEffect(() => {
    const controller = new AbortController()
    const params = new URLSearchParams(rangeParams(range))
    Promise.all([
      api<Stats>(`/api/v1/stats?${params.toString()}`, { signal: controller.signal }),
      api<IncidentPage>(`/api/v1/incidents?sort=firstSeen&limit=${NEWEST}`, {
        signal: controller.signal,
      }),
    ]).then(
      ([figures, page]) => {
        setStats(figures)
        setNewest(page)
        setError(null)
        setUpdatedAt(new Date())
      },
      (reason: unknown) => {
        if (controller.signal.aborted) return
        setError(reason instanceof ApiError ? reason.message : 'The figures cannot be loaded.')
      },
    )

    return () => {
      controller.abort()
    }
  }, [range, version])

  const refresh = useCoalesced(
    useCallback(() => {
      setVersion((v) => v + 1)
    }, []),
    REFRESH_COALESCE_MS,
  )
  const stream = useIncidentStream(refresh, refresh)

  const chart = useMemo(() => {
    if (stats === null) return null

    return {
      times: stats.series.map((b) => Date.parse(b.start)),
      layers: SEVERITIES.map((severity) => ({
        label: severity,
        color: SEVERITY_COLORS[severity],
        values: stats.series.map((b) => b[severity]),
      })),
    }
  }, [stats])

  const total = stats === null ? 0 : Object.values(stats.byStatus).reduce((a, b) => a + b, 0)
  const inWindow = stats === null ? 0 : SEVERITIES.reduce((sum, s) => sum + stats.occurrences[s], 0)

  return (
    <Page title="Dashboard">
      <div className="toolbar">
        <TimeRangePicker value={range} onChange={setRange} />
        <p className={`stream stream-${stream}`} role="status">
          {streamLabel(stream)}
          {updatedAt !== null && (
            <span className="muted"> · updated {updatedAt.toLocaleTimeString()}</span>
          )}
        </p>
      </div>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {stats === null ? (
        error === null && <p role="status">Loading…</p>
      ) : (
        <>
          <SummaryCards stats={stats} />
          {total === 0 && (
            <div className="newcomer">
              <NewcomerHelp />
            </div>
          )}
          <section className="panel" aria-labelledby="chart-title">
            <h2 id="chart-title">Occurrences over time</h2>
            <p className="muted">
              {plural(inWindow, 'occurrence')} from {new Date(stats.from).toLocaleString()} to{' '}
              {new Date(stats.to).toLocaleString()}:{' '}
              {SEVERITIES.map((s) => `${s} ${formatCount(stats.occurrences[s])}`).join(', ')}.
            </p>
            {chart !== null && (
              <StackedChart
                times={chart.times}
                layers={chart.layers}
                label={`Occurrences per ${Math.round(stats.bucketMs / 60_000)} minutes, stacked by severity`}
              />
            )}
          </section>
          <div className="columns">
            <section className="panel" aria-labelledby="services-title">
              <h2 id="services-title">Noisiest services</h2>
              {stats.topServices.length === 0 ? (
                <p className="muted">Nothing occurred in this window.</p>
              ) : (
                <ol className="ranked">
                  {stats.topServices.map((s) => (
                    <li key={s.service}>
                      <Link
                        to={`/incidents?q=${encodeURIComponent(`service:"${s.service.replace(/["\\]/g, '\\$&')}"`)}`}
                      >
                        {s.service}
                      </Link>
                      <span className="muted">{plural(s.count, 'occurrence')}</span>
                    </li>
                  ))}
                </ol>
              )}
            </section>
            <section className="panel" aria-labelledby="frequent-title">
              <h2 id="frequent-title">Most frequent incidents</h2>
              {stats.topIncidents.length === 0 ? (
                <p className="muted">Nothing occurred in this window.</p>
              ) : (
                <ol className="ranked">
                  {stats.topIncidents.map((i) => (
                    <li key={i.id}>
                      <SeverityBadge severity={i.severity} />
                      <Link className="clip" to={`/incidents/${i.id}`} title={i.title}>
                        {i.title}
                      </Link>
                      <span className="muted">{formatCount(i.count)}×</span>
                    </li>
                  ))}
                </ol>
              )}
            </section>
          </div>
          <div className="columns">
            <section className="panel" aria-labelledby="newest-title">
              <h2 id="newest-title">Newest incidents</h2>
              {newest === null || newest.items.length === 0 ? (
                <p className="muted">No incidents yet.</p>
              ) : (
                <ul className="ranked newest" aria-live="polite">
                  {newest.items.map((i) => (
                    <li key={i.id}>
                      <SeverityBadge severity={i.severity} />
                      <Link className="clip" to={`/incidents/${i.id}`} title={i.title}>
                        {i.title}
                      </Link>
                      <StatusBadge status={i.status} />
                      <span className="muted">{ago(i.firstSeen)}</span>
                    </li>
                  ))}
                </ul>
              )}
              <p>
                <Link to="/incidents">All incidents</Link>
              </p>
            </section>
            <AlertSummary version={version} />
          </div>
        </>
      )}
    </Page>
  )
}
