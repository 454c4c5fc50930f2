import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Link, useSearchParams } from 'react-router-dom'

import { ApiError, api } from '../api/client.js'
import { useAuth } from '../auth/auth-context.js'
import { NewcomerHelp } from '../components/newcomer-help.js'
import { Page } from '../components/page.js'
import { streamLabel, useIncidentStream } from '../components/use-incident-stream.js'
import '../components/widgets.css'

import { FilterChips } from './filter-chips.js'
import { IncidentTable } from './incident-table.js'
import {
  STATUS_ACTIONS,
  type IncidentChange,
  type IncidentPage,
  type Status,
} from './incident-types.js'
import './incidents.css'
import { SavedSearchMenu } from './saved-search-menu.js'
import {
  apiParams,
  combinedQuery,
  readSearch,
  rememberSearch,
  writeSearch,
  type SearchState,
  type SortKey,
} from './search-state.js'
import { SearchBox } from './search-box.js'

const PAGE_SIZE = 50
const BULK: Status[] = ['acknowledged', 'resolved', 'ignored']

/** Incident search: the language, filter chips, sortable pages, bulk status changes, live banner. */
export function IncidentsPage() {
  const { account } = useAuth()
  const isEditor = account?.role === 'editor' || account?.role === 'admin'
  const [params, setParams] = useSearchParams()
  const state = useMemo(() => readSearch(params), [params])
  const key = writeSearch(state).toString()
  const [cursors, setCursors] = useState<(string | null)[]>([null])
  const [page, setPage] = useState<IncidentPage | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [selected, setSelected] = useState<Set<number>>(new Set())
  const [pending, setPending] = useState<Set<number>>(new Set())
  const [notice, setNotice] = useState<string | null>(null)
  const [version, setVersion] = useState(0)
  const cursor = cursors.at(-1) ?? null
  const shown = useRef<IncidentPage | null>(null)
  useEffect(() => {
    shown.current = page
  })

  useEffect(() => {
    setCursors([null])
    setSelected(new Set())
  }, [key])

  useEffect(() => {
    const controller = new AbortController()
    api<IncidentPage>(`/api/v1/incidents?${apiParams(state, cursor, PAGE_SIZE)}`, {
      signal: controller.signal,
    }).then(
      (result) => {
        setPage(result)
        setError(null)
        setPending(new Set())
      },
      (reason: unknown) => {
        if (controller.signal.aborted) return
        setPage(null)
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
    // `key` stands for `state`: the same address gives the same state.
  }, [key, cursor, version])

  const onChange = useCallback((change: IncidentChange) => {
    const incident = change.incident
    if (incident === null) return

    // A shown incident is updated in place; others wait behind the banner, since only the
    // server knows whether they match the query.
    if (shown.current?.items.some((i) => i.id === incident.id) === true) {
      setPage((current) =>
        current === null
          ? current
          : { ...current, items: current.items.map((i) => (i.id === incident.id ? incident : i)) },
      )
    } else {
      setPending((p) => new Set(p).add(incident.id))
    }
  }, [])
  const stream = useIncidentStream(onChange, () => {
    setVersion((v) => v + 1)
  })

  const navigate = (next: Partial<SearchState>) => {
    setParams(writeSearch({ ...state, ...next }))
  }

  const submit = (query: string) => {
    rememberSearch(query)
    if (query === state.q) setVersion((v) => v + 1)
    else navigate({ q: query })
  }

  const sortBy = (sort: SortKey) => {
    navigate({ sort, order: sort === state.sort && state.order === 'desc' ? 'asc' : 'desc' })
  }

  const select = (ids: number[], isSelected: boolean) => {
    setSelected((current) => {
      const next = new Set(current)
      for (const id of ids) {
        if (isSelected) next.add(id)
        else next.delete(id)
      }

      return next
    })
  }

  const bulk = (status: Status) => {
    const ids = [...selected]
    api<{ changed: number[]; unchanged: number[] }>('/api/v1/incidents/status', {
      method: 'POST',
      body: { ids, status },
    }).then(
      (result) => {
        setNotice(`${result.changed.length} incident(s) set to ${status}.`)
        setSelected(new Set())
        setVersion((v) => v + 1)
      },
      (reason: unknown) => {
        setNotice(reason instanceof ApiError ? reason.message : 'The change failed.')
      },
    )
  }

  const query = combinedQuery(state)
  const isFiltered = query !== ''
  const queryError = error?.code === 'QUERY_INVALID' ? error : null

  return (
    <Page title="Incidents">
      <SearchBox
        query={state.q}
        error={error?.code === 'QUERY_INVALID' ? error.message : null}
        onSearch={submit}
      />
      <FilterChips state={state} onChange={navigate} />
      <div className="toolbar">
        <SavedSearchMenu
          query={query}
          onPick={(saved) => {
            rememberSearch(saved)
            setParams(writeSearch({ ...readSearch(new URLSearchParams()), q: saved }))
          }}
        />
        <div className="buttons">
          {isEditor && (
            <Link
              className="button-link secondary"
              to={`/alerts/new?q=${encodeURIComponent(query)}`}
            >
              Create alert from this search
            </Link>
          )}
          <p className={`stream stream-${stream}`} role="status">
            {streamLabel(stream)}
          </p>
        </div>
      </div>
      {pending.size > 0 && (
        <div className="banner" role="status">
          <span>{pending.size} new or changed incident(s) since this page loaded.</span>
          <button
            type="button"
            className="small"
            onClick={() => {
              setCursors([null])
              setVersion((v) => v + 1)
            }}
          >
            Refresh
          </button>
        </div>
      )}
      {notice !== null && (
        <p className="form-ok" role="status">
          {notice}
        </p>
      )}
      {isEditor && selected.size > 0 && (
        <div className="bulk" role="group" aria-label="Change the selected incidents">
          <span>{selected.size} selected</span>
          {BULK.map((status) => (
            <button
              key={status}
              type="button"
              className="secondary small"
              onClick={() => {
                bulk(status)
              }}
            >
              {STATUS_ACTIONS[status]}
            </button>
          ))}
        </div>
      )}
      {error !== null && queryError === null && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      {page === null ? (
        error === null && <p role="status">Loading…</p>
      ) : page.items.length === 0 ? (
        isFiltered || cursor !== null ? (
          <p className="empty-state">
            No incidents match. Widen the time filter, remove a chip, or open{' '}
            <Link to="/incidents">all incidents</Link>.
          </p>
        ) : (
          <NewcomerHelp />
        )
      ) : (
        <>
          <IncidentTable
            items={page.items}
            sort={state.sort}
            order={state.order}
            onSort={sortBy}
            selected={isEditor ? selected : null}
            onSelect={select}
          />
          <nav className="pager" aria-label="Pages">
            <button
              type="button"
              className="secondary"
              disabled={cursors.length <= 1}
              onClick={() => {
                setCursors(cursors.slice(0, -1))
              }}
            >
              Previous page
            </button>
            <span className="muted">Page {cursors.length}</span>
            <button
              type="button"
              className="secondary"
              disabled={page.next === null}
              onClick={() => {
                if (page.next !== null) setCursors([...cursors, page.next])
              }}
            >
              Next page
            </button>
          </nav>
        </>
      )}
    </Page>
  )
}
