export type { QueryNode, QueryField, Comparison } from './ast.js'
export { QUERY_FIELDS } from './ast.js'
export { parseQuery, MAX_QUERY_LENGTH, MAX_QUERY_DEPTH, MAX_QUERY_TERMS } from './parse-query.js'
export { compileQuery, type CompiledQuery, type TimeWindow } from './compile-query.js'
export { parseDuration, parseTime } from './time-value.js'
export { searchIncidents, type SearchOptions, type SearchPage } from './search-incidents.js'
export {
  SEARCH_SORTS,
  MAX_SEARCH_LIMIT,
  DEFAULT_SEARCH_LIMIT,
  type SearchSort,
  type SortOrder,
} from './search-options.js'
export { STATUSES } from './field-predicate.js'
export {
  matchIncidentsSince,
  type MatchOptions,
  type WindowMatches,
} from './match-incidents-since.js'
export {
  incidentStats,
  type IncidentStats,
  type StatsBucket,
  type StatsOptions,
  type SeverityCounts,
} from './incident-stats.js'
