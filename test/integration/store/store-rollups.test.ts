import { sql } from 'kysely'
import { afterEach, expect, it } from 'vitest'

import type { IncidentCandidate, Severity } from '../../../src/ingest/event.js'
import { IncidentStore } from '../../../src/ingest/store/incident-store.js'
import { createLogger } from '../../../src/observability/logger.js'
import { candidate } from '../../helpers/candidates.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

const logger = createLogger({ level: 'silent' })
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const START = Date.UTC(2026, 0, 1, 22, 30)

function occurrence(
  fingerprint: string,
  service: string,
  minute: number,
  severity: Severity = 'LOW',
): IncidentCandidate {
  const made = candidate(fingerprint, { timestamp: START + minute * MINUTE + 1_234, severity })

  return { ...made, event: { ...made.event, service } }
}

describeEachDialect('rollups of the occurrences the store writes', (dialect) => {
  let test: TestDatabase | undefined

  afterEach(async () => {
    await test?.cleanup()
    test = undefined
  })

  function store(t: TestDatabase, hooks = {}) {
    return new IncidentStore({
      database: t.database,
      logger,
      saveCheckpoints: async () => {},
      hooks,
    })
  }

  async function lines(t: TestDatabase, query: ReturnType<typeof sql<Record<string, unknown>>>) {
    const result = await query.execute(t.database.db)

    return result.rows.map((r) => Object.values(r).map(String).join(' '))
  }

  function recount(t: TestDatabase, size: number, byService: boolean) {
    const service = sql.raw(byService ? ', i.service' : '')
    const key = sql.raw(byService ? '1, 2, 3' : '1, 2')

    return lines(
      t,
      sql`select m.minute - m.minute % ${sql.lit(size)} as k, i.severity${service}, sum(m.count) as count from incident_minutes m join incidents i on i.id = m.incident_id group by ${key} order by ${key}`,
    )
  }

  /** Every rollup as kept (zero rows left out), and as recounted from incident_minutes. */
  async function compare(t: TestDatabase) {
    const kept = [
      await lines(
        t,
        sql`select minute, severity, service, count from incident_stats_minutes where count <> 0 order by 1, 2, 3`,
      ),
      await lines(
        t,
        sql`select hour, severity, service, count from incident_stats_hours where count <> 0 order by 1, 2, 3`,
      ),
      await lines(
        t,
        sql`select day, severity, service, count from incident_stats_days where count <> 0 order by 1, 2, 3`,
      ),
      await lines(
        t,
        sql`select hour, severity, count from incident_stats_severity_hours where count <> 0 order by 1, 2`,
      ),
    ]
    const computed = [
      await recount(t, MINUTE, true),
      await recount(t, HOUR, true),
      await recount(t, DAY, true),
      await recount(t, HOUR, false),
    ]

    return { kept, computed }
  }

  it('keeps every rollup equal to a recount over batches, services, days and a severity raise', async () => {
    test = await createTestDatabase(dialect)
    const s = store(test)
    // Minutes 0-119 cross midnight and two hours; "a" is raised from LOW to HIGH in batch 2.
    const batches = [0, 1, 2].map((b) =>
      Array.from({ length: 60 }, (_, i) => {
        const minute = b * 40 + (i % 45)
        const severity = b === 1 && i === 6 ? 'HIGH' : 'LOW'

        return i % 3 === 0
          ? occurrence('a', 'billing', minute, severity)
          : occurrence(i % 3 === 1 ? 'b' : 'c', i % 3 === 1 ? 'auth' : 'billing', minute)
      }),
    )
    for (const events of batches) await s.commit({ events, checkpoints: [] })

    const { kept, computed } = await compare(test)
    expect(kept[0]?.length).toBeGreaterThan(60)
    expect(kept[2]?.length).toBeGreaterThan(3)
    expect(kept).toEqual(computed)
    const raised = await lines(test, sql`select severity from incidents where fingerprint = 'a'`)
    expect(raised).toEqual(['HIGH'])
  })

  it('leaves no mark behind, so occurrence minutes written by others are still counted', async () => {
    test = await createTestDatabase(dialect)
    await store(test).commit({ events: [occurrence('a', 'billing', 0)], checkpoints: [] })
    const failing = store(test, {
      incidentCreated: () => Promise.reject(new Error('crash before commit')),
    })
    await expect(
      failing.commit({ events: [occurrence('b', 'billing', 5)], checkpoints: [] }),
    ).rejects.toThrow('crash before commit')

    const [incident] = await test.database.db.selectFrom('incidents').select('id').execute()
    await test.database.db
      .insertInto('incident_minutes')
      .values({ incident_id: incident?.id ?? 0, minute: START + 90 * MINUTE, count: 4 })
      .execute()
    await test.database.db
      .updateTable('incident_minutes')
      .set({ count: 3 })
      .where('minute', '=', START - (START % MINUTE))
      .execute()

    const { kept, computed } = await compare(test)
    expect(kept[0]).toHaveLength(2)
    expect(kept).toEqual(computed)
  })
})
