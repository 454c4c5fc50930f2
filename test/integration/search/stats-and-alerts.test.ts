import { afterAll, beforeAll, expect, it } from 'vitest'

import { incidentStats } from '../../../src/incidents/search/incident-stats.js'
import { matchIncidentsSince } from '../../../src/incidents/search/match-incidents-since.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

import { DAY, HOUR, MINUTE, NOW, insertIncident } from './incident-fixtures.js'

describeEachDialect('stats and alert matching', (dialect) => {
  let test: TestDatabase
  const ids: Record<string, number> = {}

  beforeAll(async () => {
    test = await createTestDatabase(dialect)
    const db = test.database.db
    ids.a = await insertIncident(db, {
      title: 'db down',
      count: 500,
      severity: 'HIGH',
      service: 'billing',
      last_seen_at: NOW - 10 * MINUTE,
      first_seen_at: NOW - 3 * HOUR,
    })
    ids.b = await insertIncident(db, {
      title: 'slow page',
      count: 20,
      severity: 'LOW',
      service: 'web',
      status: 'resolved',
      last_seen_at: NOW - 2 * HOUR,
    })
    ids.c = await insertIncident(db, {
      title: 'db slow',
      count: 300,
      severity: 'MEDIUM',
      service: 'billing',
      status: 'acknowledged',
      last_seen_at: NOW - 2 * DAY,
    })
    ids.d = await insertIncident(db, {
      title: 'noise',
      count: 5,
      severity: 'LOW',
      service: 'web',
      status: 'ignored',
      last_seen_at: NOW - 30 * MINUTE,
    })
    // Extra occurrences per minute on top of the fixture's first/last minutes.
    await db
      .insertInto('incident_minutes')
      .values([
        { incident_id: ids.a, minute: NOW - 60 * MINUTE, count: 40 },
        { incident_id: ids.b, minute: NOW - 90 * MINUTE, count: 5 },
        { incident_id: ids.d, minute: NOW - 25 * HOUR, count: 1000 },
      ])
      .execute()
  })

  afterAll(async () => {
    await test.cleanup()
  })

  it('counts occurrences per severity per bucket, aligned to the bucket size', async () => {
    const stats = await incidentStats(
      test.database,
      { from: NOW - 4 * HOUR, to: NOW, bucket: '1h' },
      NOW,
    )
    expect(stats.bucketMs).toBe(HOUR)
    expect(stats.from).toBe(new Date(NOW - 4 * HOUR).toISOString())
    expect(stats.series).toEqual([
      { start: new Date(NOW - 4 * HOUR).toISOString(), HIGH: 0, MEDIUM: 0, LOW: 0 },
      { start: new Date(NOW - 3 * HOUR).toISOString(), HIGH: 1, MEDIUM: 0, LOW: 0 },
      { start: new Date(NOW - 2 * HOUR).toISOString(), HIGH: 0, MEDIUM: 0, LOW: 6 },
      { start: new Date(NOW - HOUR).toISOString(), HIGH: 41, MEDIUM: 0, LOW: 1 },
      { start: new Date(NOW).toISOString(), HIGH: 0, MEDIUM: 0, LOW: 0 },
    ])
    expect(stats.series.reduce((sum, b) => sum + b.HIGH, 0)).toBe(42)
    expect(stats.occurrences).toEqual({ HIGH: 42, MEDIUM: 0, LOW: 7 })
  })

  it('sums the last minute of each incident into the bucket of that minute', async () => {
    const stats = await incidentStats(
      test.database,
      { from: NOW - HOUR, to: NOW, bucket: 30 * MINUTE },
      NOW,
    )
    const total = stats.series.reduce((sum, b) => sum + b.HIGH + b.MEDIUM + b.LOW, 0)
    expect(total).toBe(42)
  })

  it('totals incidents by status and the open ones by severity, over all time', async () => {
    const stats = await incidentStats(test.database, {}, NOW)
    expect(stats.byStatus).toEqual({ open: 1, acknowledged: 1, resolved: 1, ignored: 1 })
    expect(stats.openBySeverity).toEqual({ HIGH: 1, MEDIUM: 0, LOW: 0 })
  })

  it('ranks services by occurrences and incidents seen in the window by count', async () => {
    for (const options of [{ from: 'now-24h' }, { from: 'now-6h' }]) {
      const stats = await incidentStats(test.database, options, NOW)
      expect(stats.topServices).toEqual([
        { service: 'billing', count: 42 },
        { service: 'web', count: 7 },
      ])
      expect(stats.topIncidents.map((i) => [i.id, i.count])).toEqual([
        [ids.a, 500],
        [ids.b, 20],
        [ids.d, 5],
      ])
      expect(stats.topIncidents[0]).toEqual({
        id: ids.a,
        title: 'db down',
        severity: 'HIGH',
        status: 'open',
        service: 'billing',
        count: 500,
      })
    }
  })

  it('picks a bucket size when none is given and refuses bad ones', async () => {
    expect((await incidentStats(test.database, { from: 'now-1h' }, NOW)).bucketMs).toBe(MINUTE)
    expect((await incidentStats(test.database, { from: 'now-6h' }, NOW)).bucketMs).toBe(5 * MINUTE)
    expect((await incidentStats(test.database, { from: 'now-24h' }, NOW)).bucketMs).toBe(HOUR)
    expect((await incidentStats(test.database, { from: 'now-30d' }, NOW)).bucketMs).toBe(
      360 * MINUTE,
    )
    await expect(incidentStats(test.database, { bucket: '90s' }, NOW)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'bucket',
    })
    await expect(incidentStats(test.database, { bucket: 'soon' }, NOW)).rejects.toMatchObject({
      status: 400,
      field: 'bucket',
    })
    await expect(
      incidentStats(test.database, { from: 'now-30d', bucket: '1m' }, NOW),
    ).rejects.toMatchObject({ field: 'bucket' })
    await expect(
      incidentStats(test.database, { from: 'now', to: 'now-1h' }, NOW),
    ).rejects.toMatchObject({ status: 400 })
  })

  it('matches incidents whose activity falls in the alert window, excluding its start', async () => {
    const run = async (q: string, from: number, to: number): Promise<number[]> =>
      (await matchIncidentsSince(test.database, q, from, to)).items.map((i) => i.id)

    expect(await run('', NOW - HOUR, NOW)).toEqual([ids.a, ids.d])
    expect(await run('db', NOW - HOUR, NOW)).toEqual([ids.a])
    expect(await run('severity:HIGH', NOW - 10 * MINUTE, NOW)).toEqual([])
    expect(await run('severity:HIGH', NOW - 11 * MINUTE, NOW - 10 * MINUTE)).toEqual([ids.a])
    expect(await run('db', NOW - 3 * DAY, NOW)).toEqual([ids.a, ids.c])
    expect(await run('db since:1d', NOW - 3 * DAY, NOW)).toEqual([ids.a])
  })

  it('reports the total when more incidents match than the limit', async () => {
    const result = await matchIncidentsSince(test.database, '', NOW - 3 * DAY, NOW, { limit: 2 })
    expect(result.items).toHaveLength(2)
    expect(result.total).toBe(4)
    await expect(matchIncidentsSince(test.database, 'status:', 0, NOW)).rejects.toMatchObject({
      code: 'QUERY_INVALID',
    })
  })
})
