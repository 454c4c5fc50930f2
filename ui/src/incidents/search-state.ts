import type { Severity, Status } from './incident-types.js'

/** Sort keys the incidents API accepts. */
export type SortKey = 'activity' | 'lastSeen' | 'firstSeen' | 'count' | 'severity'
export type TimeChip = '' | '1h' | '24h' | '7d' | '30d'

/** What /incidents?… holds: the query, the filter chips and the sort. Links carry all of it. */
export interface SearchState {
  q: string
  severity: Severity[]
  status: Status[]
  service: string
  since: TimeChip
  sort: SortKey
  order: 'asc' | 'desc'
}

const SORTS: readonly SortKey[] = ['activity', 'lastSeen', 'firstSeen', 'count', 'severity']
const TIMES: readonly TimeChip[] = ['1h', '24h', '7d', '30d']

function list<T extends string>(text: string | null, allowed: readonly T[]): T[] {
  if (text === null || text === '') return []

  return text.split(',').filter((v): v is T => (allowed as readonly string[]).includes(v))
}

/** Reads the state from the address bar; unknown values fall back to the defaults. */
export function readSearch(params: URLSearchParams): SearchState {
  const sort = params.get('sort') as SortKey | null
  const since = params.get('since') as TimeChip | null

  return {
    q: params.get('q') ?? '',
    severity: list(params.get('severity'), ['HIGH', 'MEDIUM', 'LOW'] as const),
    status: list(params.get('status'), ['open', 'acknowledged', 'resolved', 'ignored'] as const),
    service: params.get('service') ?? '',
    since: since !== null && TIMES.includes(since) ? since : '',
    sort: sort !== null && SORTS.includes(sort) ? sort : 'activity',
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
  }
}

/** The address bar form of a state: defaults are left out so links stay short. */
export function writeSearch(state: SearchState): URLSearchParams {
  const params = new URLSearchParams()
  if (state.q !== '') params.set('q', state.q)
  if (state.severity.length > 0) params.set('severity', state.severity.join(','))
  if (state.status.length > 0) params.set('status', state.status.join(','))
  if (state.service !== '') params.set('service', state.service)
  if (state.since !== '') params.set('since', state.since)
  if (state.sort !== 'activity') params.set('sort', state.sort)
  if (state.order !== 'desc') params.set('order', state.order)

  return params
}

/** The query string of GET /api/v1/incidents for a state and page. */
export function apiParams(state: SearchState, cursor: string | null, limit: number): string {
  const params = new URLSearchParams()
  if (state.q.trim() !== '') params.set('q', state.q)
  if (state.severity.length > 0) params.set('severity', state.severity.join(','))
  if (state.status.length > 0) params.set('status', state.status.join(','))
  if (state.service !== '') params.set('service', state.service)
  if (state.since !== '') params.set('from', `-${state.since}`)
  params.set('sort', state.sort)
  params.set('order', state.order)
  params.set('limit', String(limit))
  if (cursor !== null) params.set('cursor', cursor)

  return params.toString()
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`
}

/**
 * The state as one query of the search language (the query in parentheses, then the chips),
 * for saved searches and alerts, which take only `q`.
 */
export function combinedQuery(state: SearchState): string {
  const parts: string[] = []
  const q = state.q.trim()
  const hasChips =
    state.severity.length + state.status.length > 0 || state.service !== '' || state.since !== ''
  if (q !== '') parts.push(hasChips ? `(${q})` : q)
  if (state.severity.length > 0) parts.push(`severity:${state.severity.join(',')}`)
  if (state.status.length > 0) parts.push(`status:${state.status.join(',')}`)
  if (state.service !== '') {
    // Bare values keep their `*` wildcards, as the service chip does; others are taken literally.
    const bare = /^[\w.*/-]+$/.test(state.service)
    parts.push(`service:${bare ? state.service : quote(state.service)}`)
  }
  if (state.since !== '') parts.push(`since:${state.since}`)

  return parts.join(' ')
}

const RECENT_KEY = 'alims.recentSearches'
const RECENT_MAX = 10

/** The last searches run in this browser, newest first. */
export function recentSearches(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]')

    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
  } catch {
    // A damaged or blocked store means no recent searches, not a broken page.
    return []
  }
}

/** Remembers a query as the newest recent search. */
export function rememberSearch(query: string): void {
  const q = query.trim()
  if (q === '') return

  try {
    const next = [q, ...recentSearches().filter((r) => r !== q)].slice(0, RECENT_MAX)
    localStorage.setItem(RECENT_KEY, JSON.stringify(next))
  } catch {
    // Private windows may refuse storage; the search itself still runs.
  }
}
