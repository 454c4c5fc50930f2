import { sql, type Kysely } from 'kysely'
import { afterEach, beforeEach, expect, it } from 'vitest'

import type { Db } from '../../../src/db/database.js'
import { migrate } from '../../../src/db/migrate.js'
import {
  createSearchTriggers,
  dropSearchTriggers,
  rebuildSearchIndex,
} from '../../../src/db/migrations/003-search.js'
import { MIGRATIONS } from '../../../src/db/migrations/index.js'
import { incidentStats } from '../../../src/incidents/search/incident-stats.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

import { DAY, HOUR, MINUTE, NOW, insertIncident } from './incident-fixtures.js'

const SEVERITIES = ['HIGH', 'MEDIUM', 'LOW'] as const

/** Incidents of four services over five days, with occurrences at uneven minutes. */
async function seed(db: Db): Promise<void> {
  for (let i = 0; i < 15; i += 1) {
    const last = NOW - i * 7 * HOUR - i * 13 * MINUTE
    const id = await insertIncident(db, {
      severity: SEVERITIES[i % 3],
      service: `svc-${i % 4}`,
      first_seen_at: last - (i % 5) * 19 * HOUR,
      last_seen_at: last,
    })
    await db
      .insertInto('incident_minutes')
      .values(
        [1, 2, 3].map((k) => ({
          incident_id: id,
          minute: Math.floor((last - k * (5 + i) * 97 * MINUTE) / MINUTE) * MINUTE,
          count: 1 + ((i * k) % 7) * 10,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute()
  }
}

describeEachDialect('coarse dashboard rollups', (dialect) => {
  let test: TestDatabase

  beforeEach(async () => {
    test = await createTestDatabase(dialect, { migrate: false })
  })

  afterEach(async () => {
    await test.cleanup()
  })

  async function runMigrations(which: (name: string) => boolean): Promise<void> {
    for (const name of Object.keys(MIGRATIONS).filter(which)) {
      // Each step runs in a transaction, as the migrator runs it.
      await test.database.transaction(
        (tx) => MIGRATIONS[name]?.up(tx as never, dialect) ?? Promise.resolve(),
      )
    }
  }

  async function lines(query: ReturnType<typeof sql<Record<string, unknown>>>): Promise<string[]> {
    const result = await query.execute(test.database.db)

    return result.rows.map((r) => Object.values(r).map(String).join(' '))
  }

  /** A rollup recounted from incident_minutes, per `size` ms, with or without the service. */
  function recount(size: number, byService: boolean) {
    const service = sql.raw(byService ? ', i.service' : '')
    const key = sql.raw(byService ? '1, 2, 3' : '1, 2')

    return lines(
      sql`select m.minute - m.minute % ${sql.lit(size)} as k, i.severity${service}, sum(m.count) as count from incident_minutes m join incidents i on i.id = m.incident_id group by ${key} order by ${key}`,
    )
  }

  /** Every rollup as kept, and as recounted from incident_minutes; zero rows left out. */
  async function compare(): Promise<{ kept: string[][]; computed: string[][] }> {
    const kept = [
      await lines(
        sql`select minute, severity, service, count from incident_stats_minutes where count <> 0 order by 1, 2, 3`,
      ),
      await lines(
        sql`select hour, severity, service, count from incident_stats_hours where count <> 0 order by 1, 2, 3`,
      ),
      await lines(
        sql`select day, severity, service, count from incident_stats_days where count <> 0 order by 1, 2, 3`,
      ),
      await lines(
        sql`select hour, severity, count from incident_stats_severity_hours where count <> 0 order by 1, 2`,
      ),
    ]
    const computed = [
      await recount(MINUTE, true),
      await recount(HOUR, true),
      await recount(DAY, true),
      await recount(HOUR, false),
    ]

    return { kept, computed }
  }

  it('rebuilds every rollup after a bulk load without triggers', async () => {
    await migrate(test.database)
    const db = test.database.db
    const raw = db as unknown as Kysely<unknown>
    await dropSearchTriggers(raw, dialect)
    await seed(db)
    const empty = await lines(sql`select count(*) as n from incident_stats_days`)
    expect(empty).toEqual(['0'])

    await rebuildSearchIndex(raw, dialect)
    await createSearchTriggers(raw, dialect)
    let { kept, computed } = await compare()
    expect(kept[2]?.length).toBeGreaterThan(4)
    expect(kept).toEqual(computed)

    await db.deleteFrom('incidents').where('service', '=', 'svc-1').execute()
    ;({ kept, computed } = await compare())
    expect(kept).toEqual(computed)
  })

  it('fills the daily and per-severity rollups from occurrences stored before migration 007', async () => {
    await runMigrations((name) => name < '007')
    await seed(test.database.db)
    await runMigrations((name) => name.startsWith('007-'))

    let { kept, computed } = await compare()
    expect(kept[2]?.length).toBeGreaterThan(4)
    expect(kept).toEqual(computed)

    // The replaced triggers keep all rollups from then on, severity moves included.
    const db = test.database.db
    const first = await db.selectFrom('incidents').select('id').orderBy('id').executeTakeFirst()
    await db
      .updateTable('incidents')
      .set({ severity: 'LOW', service: 'svc-moved' })
      .where('id', '=', first?.id ?? 0)
      .execute()
    await db
      .updateTable('incident_minutes')
      .set((eb) => ({ count: eb('count', '+', 3) }))
      .where('incident_id', '>', 5)
      .execute()
    ;({ kept, computed } = await compare())
    expect(kept).toEqual(computed)
  })

  it('gives the same top services and series over days as a recount of the hours', async () => {
    await migrate(test.database)
    await seed(test.database.db)
    const db = test.database.db
    // Partial days at both ends: from 05:30 three days back to 04:45 today (NOW is noon UTC).
    const from = NOW - 3 * DAY - 6 * HOUR - 30 * MINUTE
    const to = NOW - 7 * HOUR - 15 * MINUTE
    const first = from - (from % HOUR)
    const today = NOW - (NOW % DAY)
    // One service per edge of the window, each with its own count: inside whole hours at both
    // ends and next to the whole days, and just outside.
    const edges = [
      today - 3 * DAY + 5 * HOUR + 10 * MINUTE,
      today - 2 * DAY - 20 * MINUTE,
      today - 2 * DAY + 5 * MINUTE,
      today - 1 * MINUTE,
      today + 7 * MINUTE,
      today + 4 * HOUR + 50 * MINUTE,
      today - 3 * DAY + 5 * HOUR - MINUTE,
      today + 5 * HOUR,
    ]
    for (const [k, at] of edges.entries()) {
      const id = await insertIncident(db, {
        service: `edge-${k}`,
        severity: SEVERITIES[k % 3],
        first_seen_at: at,
        last_seen_at: at,
      })
      await db
        .updateTable('incident_minutes')
        .set({ count: 1000 + k * 100 })
        .where('incident_id', '=', id)
        .execute()
    }

    for (const bucket of ['1h', '6h', '1d']) {
      const stats = await incidentStats(test.database, { from, to, bucket }, NOW)
      // The documented reading of whole-hour buckets: every hour from the one holding `from`
      // to the one holding `to`, counted whole.
      const services = await sql<{ service: string; n: number }>`
        select i.service as service, sum(m.count) as n from incident_minutes m
        join incidents i on i.id = m.incident_id
        where m.minute - m.minute % ${sql.lit(HOUR)} >= ${first}
          and m.minute - m.minute % ${sql.lit(HOUR)} <= ${to}
        group by i.service order by n desc, i.service limit 10`.execute(db)
      expect(stats.topServices, bucket).toEqual(
        services.rows.map((r) => ({ service: r.service, count: r.n })),
      )
      const names = stats.topServices.map((s) => s.service)
      expect(names.filter((s) => s.startsWith('edge-')).sort()).toEqual([
        'edge-0',
        'edge-1',
        'edge-2',
        'edge-3',
        'edge-4',
        'edge-5',
      ])

      const perSeverity = await sql<{ severity: string; n: number }>`
        select i.severity as severity, sum(m.count) as n from incident_minutes m
        join incidents i on i.id = m.incident_id
        where m.minute - m.minute % ${sql.lit(HOUR)} >= ${first}
          and m.minute - m.minute % ${sql.lit(HOUR)} <= ${to}
        group by i.severity`.execute(db)
      const expected = { HIGH: 0, MEDIUM: 0, LOW: 0 }
      for (const row of perSeverity.rows) {
        expected[row.severity as keyof typeof expected] = row.n
      }
      expect(stats.occurrences, bucket).toEqual(expected)
    }
  })
})
