import { useCallback, useEffect, useMemo, useState } from 'react'
import { Link, useParams } from 'react-router-dom'

import { ApiError, api } from '../api/client.js'
import { useAuth } from '../auth/auth-context.js'
import { EmptyState } from '../components/empty-state.js'
import { formatCount, formatTime, plural } from '../components/format.js'
import { LogText, TemplateText } from '../components/log-text.js'
import { Page } from '../components/page.js'
import { SeverityBadge, StatusBadge } from '../components/severity-badge.js'
import { StackedChart } from '../components/stacked-chart.js'
import { useCoalesced, useIncidentStream } from '../components/use-incident-stream.js'
import { SEVERITY_COLORS } from '../dashboard/stats-types.js'
import '../components/widgets.css'

import { EventList } from './event-list.js'
import type { HistoryEntry, Incident, IncidentChange } from './incident-types.js'
import './incidents.css'
import { StatusPanel } from './status-panel.js'

type Detail = Incident & { history: HistoryEntry[] }

interface Occurrences {
  from: string
  to: string
  bucketMs: number
  total: number
  series: { start: string; count: number }[]
}

function TicketFacts({ incident }: { incident: Incident }) {
  const ticket = incident.ticket
  if (ticket === null) return <dd>none</dd>

  return (
    <dd>
      {ticket.url !== null ? (
        <a href={ticket.url} target="_blank" rel="noreferrer noopener">
          {ticket.number ?? ticket.sysId ?? 'open in ServiceNow'}
        </a>
      ) : (
        (ticket.number ?? '—')
      )}{' '}
      <span className={ticket.state === 'failed' ? 'danger-text' : 'muted'}>({ticket.state})</span>
      {ticket.error !== null && <span className="danger-text"> — {ticket.error}</span>}
    </dd>
  )
}

/** One incident: what it is, its status and history, how often it occurs, and its samples. */
export function IncidentPage() {
  const { id = '' } = useParams()
  const { account } = useAuth()
  const canChange = account?.role === 'editor' || account?.role === 'admin'
  const [incident, setIncident] = useState<Detail | null>(null)
  const [occurrences, setOccurrences] = useState<Occurrences | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [version, setVersion] = useState(0)
  const numericId = /^\d+$/.test(id) ? Number(id) : null

  useEffect(() => {
    if (numericId === null) return

    const controller = new AbortController()
    Promise.all([
      api<Detail>(`/api/v1/incidents/${numericId}`, { signal: controller.signal }),
      api<Occurrences>(`/api/v1/incidents/${numericId}/occurrences`, {
        signal: controller.signal,
      }),
    ]).then(
      ([detail, counts]) => {
        setIncident(detail)
        setOccurrences(counts)
        setError(null)
      },
      (reason: unknown) => {
        if (controller.signal.aborted) return
        setError(
          reason instanceof ApiError
            ? reason
            : new ApiError(0, 'NETWORK', 'Cannot reach the server.'),
        )
      },
    )

    return () => {
      controller.abort()
    }
  }, [numericId, version])

  const reload = useCallback(() => {
    setVersion((v) => v + 1)
  }, [])
  const coalesced = useCoalesced(reload, 300)
  useIncidentStream((change: IncidentChange) => {
    if (change.incident?.id === numericId) coalesced()
  }, reload)

  const chart = useMemo(() => {
    if (occurrences === null || incident === null) return null

    return {
      times: occurrences.series.map((b) => Date.parse(b.start)),
      layers: [
        {
          label: 'Occurrences',
          color: SEVERITY_COLORS[incident.severity],
          values: occurrences.series.map((b) => b.count),
        },
      ],
    }
  }, [occurrences, incident])

  if (numericId === null || error?.status === 404) {
    return (
      <Page title="Incident not found">
        <EmptyState title="No such incident">
          <p>
            Incident {id} does not exist (it may have been removed). Find it on the{' '}
            <Link to="/incidents">incidents page</Link>.
          </p>
        </EmptyState>
      </Page>
    )
  }

  if (incident === null) {
    return (
      <Page title={`Incident ${id}`}>
        {error === null ? (
          <p role="status">Loading…</p>
        ) : (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
      </Page>
    )
  }

  return (
    <Page title={incident.title}>
      <div className="incident-head">
        <SeverityBadge severity={incident.severity} />
        <StatusBadge status={incident.status} />
        {incident.isRegression && <span className="badge status-open">regressed</span>}
        <span className="muted">
          #{incident.id} · {incident.service} · {plural(incident.count, 'occurrence')}
        </span>
      </div>
      <section className="panel" aria-labelledby="what-title">
        <h2 id="what-title">Template</h2>
        <TemplateText template={incident.template} />
        <h3>Message</h3>
        <LogText text={incident.message} label="Message" />
        <dl className="facts">
          <dt>Service</dt>
          <dd>{incident.service}</dd>
          <dt>Source</dt>
          <dd>
            <code>{incident.source}</code>
          </dd>
          <dt>First seen</dt>
          <dd>{formatTime(incident.firstSeen)}</dd>
          <dt>Last seen</dt>
          <dd>{formatTime(incident.lastSeen)}</dd>
          <dt>Count</dt>
          <dd>
            {formatCount(incident.count)}
            {incident.regressionCount > 0 && ` · regressed ${incident.regressionCount} time(s)`}
          </dd>
          <dt>Rule</dt>
          <dd>{incident.rule ?? '—'}</dd>
          <dt>Tags</dt>
          <dd>{incident.tags.length === 0 ? '—' : incident.tags.join(', ')}</dd>
          <dt>Fingerprint</dt>
          <dd>
            <Link to={`/incidents?q=${encodeURIComponent(`fingerprint:${incident.fingerprint}`)}`}>
              <code>{incident.fingerprint}</code>
            </Link>
          </dd>
          <dt>Ticket</dt>
          <TicketFacts incident={incident} />
        </dl>
      </section>
      <StatusPanel
        incident={incident}
        history={incident.history}
        canChange={canChange}
        onChanged={reload}
      />
      <section className="panel" aria-labelledby="occurrences-title">
        <h2 id="occurrences-title">Occurrences</h2>
        {occurrences !== null && (
          <p className="muted">
            {formatCount(occurrences.total)} from {formatTime(occurrences.from)} to{' '}
            {formatTime(occurrences.to)}, per {Math.round(occurrences.bucketMs / 60_000)} min.
          </p>
        )}
        {chart !== null && (
          <StackedChart
            times={chart.times}
            layers={chart.layers}
            height={160}
            label={`Occurrences of incident ${incident.id} over time`}
          />
        )}
      </section>
      <EventList incidentId={incident.id} version={version} />
    </Page>
  )
}
