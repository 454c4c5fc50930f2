import type { Database } from '../db/database.js'
import { parseQuery } from '../incidents/search/parse-query.js'

import {
  countActivity,
  matchByRow,
  ROW_CHECK_LIMIT,
  searchMatcher,
  type IncidentMatcher,
  type MatchResult,
} from './match-incidents.js'

/** One alert's question: incidents matching `query` with activity in `(from, to]` (epoch ms). */
export interface MatchRequest {
  query: string
  from: number
  to: number
}

/**
 * Answers many requests at once, in order: a result, or the error that request's search threw
 * (a query that no longer parses, a database failure).
 */
export type BatchMatcher = (
  requests: readonly MatchRequest[],
  limit: number,
) => Promise<Array<MatchResult | Error>>

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}

/** A batch matcher that asks `matcher` once per request (custom matchers, tests). */
export function oneByOne(matcher: IncidentMatcher): BatchMatcher {
  return (requests, limit) =>
    Promise.all(
      requests.map((r) =>
        matcher(r.query, r.from, r.to, limit).catch((error: unknown) => asError(error)),
      ),
    )
}

/** The newest `limit` of `all` (newest activity first) whose activity falls after `from`. */
function slice(all: MatchResult['incidents'], from: number, limit: number): MatchResult {
  const inWindow = all.filter((i) => i.activityAt > from)

  return { total: inWindow.length, incidents: inWindow.slice(0, limit) }
}

/**
 * The search matcher for a whole tick. Requests with the same query and window end share one
 * search over the union of their windows when that union holds at most ROW_CHECK_LIMIT active
 * incidents: each request then takes the rows of its own window from the shared result. Larger
 * unions, and requests alone with their query, are searched one by one as searchMatcher does.
 */
export function searchBatchMatcher(database: Database): BatchMatcher {
  const single = searchMatcher(database)

  async function shared(
    query: string,
    to: number,
    members: ReadonlyArray<{ index: number; request: MatchRequest }>,
    limit: number,
  ): Promise<Array<[number, MatchResult | Error]>> {
    const one = (m: { index: number; request: MatchRequest }) =>
      single(query, m.request.from, to, limit).then(
        (result): [number, MatchResult | Error] => [m.index, result],
        (error: unknown): [number, MatchResult | Error] => [m.index, asError(error)],
      )
    if (members.length === 1) return Promise.all(members.map(one))

    try {
      parseQuery(query)
      const from = Math.min(...members.map((m) => m.request.from))
      const active = await countActivity(database, from, to, ROW_CHECK_LIMIT + 1)
      if (active > ROW_CHECK_LIMIT) return await Promise.all(members.map(one))

      const all =
        active === 0
          ? { incidents: [], total: 0 }
          : await matchByRow(database, query, from, to, ROW_CHECK_LIMIT)

      return members.map((m) => [m.index, slice(all.incidents, m.request.from, limit)])
    } catch (error) {
      return members.map((m) => [m.index, asError(error)])
    }
  }

  return async (requests, limit) => {
    const groups = new Map<string, Array<{ index: number; request: MatchRequest }>>()
    requests.forEach((request, index) => {
      const key = `${request.to}\u0000${request.query}`
      const group = groups.get(key) ?? []
      group.push({ index, request })
      groups.set(key, group)
    })
    const results = new Array<MatchResult | Error>(requests.length)
    for (const members of groups.values()) {
      const first = members[0]
      if (first === undefined) continue

      for (const [index, result] of await shared(
        first.request.query,
        first.request.to,
        members,
        limit,
      ))
        results[index] = result
    }

    return results
  }
}
