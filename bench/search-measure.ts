import { sql } from 'kysely'

import type { Database } from '../src/db/database.js'
import { likePattern } from '../src/db/dialect.js'

/** One line of the report: timings in ms, how many incidents came back, the p95 target (ms) if any. */
export interface ResultRow {
  name: string
  detail: string
  times: number[]
  found: number | null
  target: number | null
}

/** Runs `work` twice to warm up, then `runs` times; returns each duration in ms. */
export async function measure(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  await work()
  await work()
  const times: number[] = []
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now()
    await work()
    times.push(performance.now() - start)
  }

  return times
}

/** The value at percentile `p` (0-100) of ascending `sorted` values (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)

  return sorted[Math.max(0, index)] ?? NaN
}

/** The prototype's approach, measured for comparison: LIKE '%term%' over every incident. */
export async function likeReference(database: Database, term: string): Promise<void> {
  const pattern = likePattern(term)
  await sql`select id from incidents where title like ${pattern} escape '\\' or message like ${pattern} escape '\\' or template like ${pattern} escape '\\' order by activity_at desc limit 50`.execute(
    database.db,
  )
}

/** Prints p50/p95 per row and whether the p95 meets its target. */
export function printRows(title: string, rows: ResultRow[]): void {
  console.log(`\n${title}`)
  console.log(
    `${'measurement'.padEnd(44)} ${'p50 ms'.padStart(9)} ${'p95 ms'.padStart(9)}  rows  target`,
  )
  for (const row of rows) {
    const sorted = [...row.times].sort((a, b) => a - b)
    const p50 = percentile(sorted, 50)
    const p95 = percentile(sorted, 95)
    const verdict =
      row.target === null
        ? 'reference'
        : p95 < row.target
          ? `ok (<${row.target})`
          : `SLOW (>=${row.target})`
    const found = row.found === null ? '' : String(row.found)
    console.log(
      `${row.name.padEnd(44)} ${p50.toFixed(1).padStart(9)} ${p95.toFixed(1).padStart(9)}  ${found.padStart(4)}  ${verdict}`,
    )
  }
}
