import { sql } from 'kysely'
import { afterEach, beforeEach, expect, it } from 'vitest'

import { incidentStats } from '../../../src/incidents/search/incident-stats.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

import { DAY, HOUR, MINUTE, NOW, insertIncident } from './incident-fixtures.js'

interface Rollup {
  minutes: string[]
  hours: string[]
  days: string[]
  severityHours: string[]
  counts: string[]
}

describeEachDialect('dashboard rollups', (dialect) => {
  let test: TestDatabase

  beforeEach(async () => {
    test = await createTestDatabase(dialect)
  })

  afterEach(async () => {
    await test.cleanup()
  })

  async function lines(query: ReturnType<typeof sql<Record<string, unknown>>>): Promise<string[]> {
    const result = await query.execute(test.database.db)

    return result.rows.map((r) => Object.values(r).map(String).join(' '))
  }

  /** A rollup computed from scratch out of incident_minutes, per `size` ms. */
  function recount(size: number) {
    return sql<
      Record<string, unknown>
    >`select m.minute - m.minute % ${sql.lit(size)} as k, i.severity, i.service, sum(m.count) as count from incident_minutes m join incidents i on i.id = m.incident_id group by 1, 2, 3 order by 1, 2, 3`
  }

  /** The rollups as kept by the triggers, and as computed from scratch; zero rows left out. */
  async function compare(): Promise<{ kept: Rollup; computed: Rollup }> {
    const kept = {
      minutes: await lines(
        sql`select minute, severity, service, count from incident_stats_minutes where count <> 0 order by 1, 2, 3`,
      ),
      hours: await lines(
        sql`select hour, severity, service, count from incident_stats_hours where count <> 0 order by 1, 2, 3`,
      ),
      days: await lines(
        sql`select day, severity, service, count from incident_stats_days where count <> 0 order by 1, 2, 3`,
      ),
      severityHours: await lines(
        sql`select hour, severity, count from incident_stats_severity_hours where count <> 0 order by 1, 2`,
      ),
      counts: await lines(
        sql`select severity, status, n from incident_status_counts where n <> 0 order by 1, 2`,
      ),
    }
    const computed = {
      minutes: await lines(recount(MINUTE)),
      hours: await lines(recount(HOUR)),
      days: await lines(recount(DAY)),
      severityHours: await lines(
        sql`select m.minute - m.minute % ${sql.lit(HOUR)} as k, i.severity, sum(m.count) as count from incident_minutes m join incidents i on i.id = m.incident_id group by 1, 2 order by 1, 2`,
      ),
      counts: await lines(
        sql`select severity, status, count(*) as n from incidents group by 1, 2 order by 1, 2`,
      ),
    }

    return { kept, computed }
  }

  it('stays equal to a recount through inserts, updates, severity moves and deletes', async () => {
    const db = test.database.db
    const a = await insertIncident(db, {
      severity: 'HIGH',
      service: 'api',
      last_seen_at: NOW - 5 * MINUTE,
      first_seen_at: NOW - 3 * HOUR,
    })
    const b = await insertIncident(db, {
      severity: 'LOW',
      service: 'web',
      last_seen_at: NOW - HOUR,
    })
    const c = await insertIncident(db, { severity: 'MEDIUM', service: 'api', samples: ['x'] })
    let { kept, computed } = await compare()
    expect(kept.hours.length).toBeGreaterThan(0)
    expect(kept.days.length).toBeGreaterThan(0)
    expect(kept.severityHours.length).toBeGreaterThan(0)
    expect(kept).toEqual(computed)

    await db
      .updateTable('incident_minutes')
      .set((eb) => ({ count: eb('count', '+', 9) }))
      .where('incident_id', '=', a)
      .execute()
    await db
      .insertInto('incident_minutes')
      .values({ incident_id: b, minute: NOW - 2 * MINUTE, count: 4 })
      .execute()
    await db
      .updateTable('incidents')
      .set({ severity: 'HIGH', service: 'api-v2' })
      .where('id', '=', b)
      .execute()
    await db.updateTable('incidents').set({ status: 'resolved' }).where('id', '=', a).execute()
    await db.deleteFrom('incident_minutes').where('incident_id', '=', c).execute()
    await db.deleteFrom('incidents').where('id', '=', a).execute()
    ;({ kept, computed } = await compare())
    expect(kept).toEqual(computed)

    const stats = await incidentStats(
      test.database,
      { from: NOW - 6 * HOUR, to: NOW, bucket: '1h' },
      NOW,
    )
    expect(stats.occurrences).toEqual({ HIGH: 5, MEDIUM: 0, LOW: 0 })
    expect(stats.byStatus).toEqual({ open: 2, acknowledged: 0, resolved: 0, ignored: 0 })
    expect(stats.openBySeverity).toEqual({ HIGH: 1, MEDIUM: 1, LOW: 0 })
  })

  it('gives the same series from the hourly rollup and from the minutes', async () => {
    const db = test.database.db
    for (let i = 0; i < 12; i += 1) {
      await insertIncident(db, {
        severity: (['HIGH', 'MEDIUM', 'LOW'] as const)[i % 3],
        service: `s${i % 4}`,
        last_seen_at: NOW - i * 25 * MINUTE,
        first_seen_at: NOW - i * 40 * MINUTE,
      })
    }
    const hourly = await incidentStats(
      test.database,
      { from: NOW - 6 * HOUR, to: NOW, bucket: HOUR },
      NOW,
    )
    const minutes = await incidentStats(
      test.database,
      { from: NOW - 6 * HOUR, to: NOW, bucket: 30 * MINUTE },
      NOW,
    )
    const perHour = new Map<string, number>()
    for (const b of minutes.series) {
      const hour = new Date(Math.floor(Date.parse(b.start) / HOUR) * HOUR).toISOString()
      perHour.set(hour, (perHour.get(hour) ?? 0) + b.HIGH + b.MEDIUM + b.LOW)
    }
    expect(hourly.series.map((b) => [b.start, b.HIGH + b.MEDIUM + b.LOW])).toEqual([
      ...perHour.entries(),
    ])
    expect(hourly.topServices).toEqual(minutes.topServices)
  })
})
