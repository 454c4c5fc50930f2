import { useCallback, useEffect, useState } from 'react'
import { Link } from 'react-router-dom'

import { api } from '../api/client.js'

interface AlertItem {
  id: number
  enabled: boolean
}

interface RunItem {
  status: string
  startedAt: string
}

interface Summary {
  active: number
  disabled: number
  runs: number
  failed: number
  /** True when 500 runs (the page limit) all fell in the last 24 hours. */
  isCapped: boolean
}

const DAY = 86_400_000
const RUN_PAGE = 500

/** Active and disabled alerts and the runs of the last 24 hours; refreshes when `version` changes. */
export function AlertSummary({ version }: { version: number }) {
  const [summary, setSummary] = useState<Summary | null>(null)
  const [error, setError] = useState<string | null>(null)

  const load = useCallback(async () => {
    const [alerts, runs] = await Promise.all([
      api<{ items: AlertItem[] }>('/api/v1/alerts'),
      api<{ items: RunItem[] }>(`/api/v1/alert-runs?limit=${RUN_PAGE}`),
    ])
    const since = Date.now() - DAY
    const recent = runs.items.filter((run) => Date.parse(run.startedAt) >= since)

    return {
      active: alerts.items.filter((a) => a.enabled).length,
      disabled: alerts.items.filter((a) => !a.enabled).length,
      runs: recent.length,
      failed: recent.filter((run) => run.status === 'failed').length,
      isCapped: recent.length === RUN_PAGE,
    }
  }, [])

  useEffect(() => {
    let isCurrent = true
    load().then(
      (result) => {
        if (isCurrent) setSummary(result)
      },
      () => {
        if (isCurrent) setError('Alerts cannot be read right now.')
      },
    )

    return () => {
      isCurrent = false
    }
  }, [load, version])

  return (
    <section className="panel" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      {summary === null ? (
        <p className="muted">{error ?? 'Loading…'}</p>
      ) : (
        <dl className="facts">
          <dt>Active</dt>
          <dd>{summary.active}</dd>
          <dt>Disabled</dt>
          <dd>{summary.disabled}</dd>
          <dt>Runs in 24 h</dt>
          <dd>
            {summary.runs}
            {summary.isCapped ? '+' : ''}
            {summary.failed > 0 && <span className="danger-text"> ({summary.failed} failed)</span>}
          </dd>
        </dl>
      )}
      <p>
        <Link to="/alerts">Manage alerts</Link>
      </p>
    </section>
  )
}
