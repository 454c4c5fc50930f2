import { afterAll, beforeAll, expect, it } from 'vitest'

import { searchIncidents } from '../../../src/incidents/search/search-incidents.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

import { DAY, HOUR, MINUTE, NOW, insertIncident, type IncidentSeed } from './incident-fixtures.js'

/** A small world where each operator selects a known set of incidents. */
const SEEDS: Record<string, IncidentSeed> = {
  refused: {
    title: 'Connection refused to database',
    message: 'connect ECONNREFUSED 10.0.0.5:5432',
    template: 'connect ECONNREFUSED <IP>:<NUM>',
    severity: 'HIGH',
    service: 'billing',
    source: '/var/log/billing/app.log',
    count: 250,
    tags: '["db","network"]',
    ticket_state: 'created',
    ticket_number: 'INC0010001',
    ticket_sys_id: 'a1b2',
    last_seen_at: NOW - 10 * MINUTE,
    first_seen_at: NOW - 3 * DAY,
    samples: ['2026-06-01 ERROR pool exhausted after 30000ms (user=alice)'],
  },
  timeout: {
    title: 'Upstream timeout',
    message: 'GET /api/orders timed out after 30s',
    template: 'GET <PATH> timed out after <NUM>s',
    severity: 'MEDIUM',
    service: 'api',
    source: '/var/log/api/api.log',
    count: 100,
    tags: '["network"]',
    ticket_state: 'pending',
    last_seen_at: NOW - 2 * HOUR,
    first_seen_at: NOW - 2 * HOUR,
  },
  disk: {
    title: 'Disk 95% full on /data_1',
    message: 'disk usage 95% on /data_1 (C:\\temp\\x)',
    template: 'disk usage <NUM>% on <PATH>',
    severity: 'LOW',
    status: 'acknowledged',
    service: 'api-gateway',
    source: '/var/log/api/gateway.log',
    count: 7,
    ticket_state: 'failed',
    ticket_error: 'HTTP 503',
    last_seen_at: NOW - 30 * HOUR,
    first_seen_at: NOW - 40 * HOUR,
  },
  unicode: {
    title: 'Überweisung fehlgeschlagen: ошибка базы',
    message: 'Zahlung 数据库 failed 🔥',
    template: 'Zahlung <*> failed',
    severity: 'HIGH',
    status: 'resolved',
    service: 'payments',
    source: '/var/log/pay/pay.log',
    count: 1,
    tags: '["de"]',
    last_seen_at: NOW - 5 * DAY,
    first_seen_at: NOW - 6 * DAY,
  },
  quiet: {
    title: 'Cache miss storm',
    message: 'cache miss ratio 0.9',
    template: 'cache miss ratio <NUM>',
    severity: 'LOW',
    status: 'ignored',
    service: 'web',
    source: '/var/log/web/web.log',
    count: 100,
    tags: 'not json',
    last_seen_at: NOW - 10 * DAY,
    first_seen_at: NOW - 20 * DAY,
    samples: ['first sample: cache warmup', 'second', 'third', 'fourth: newest sample text'],
  },
}

describeEachDialect('search operators', (dialect) => {
  let test: TestDatabase
  const ids: Record<string, number> = {}
  const names = (list: number[]): string[] =>
    list.map((id) => Object.keys(ids).find((k) => ids[k] === id) ?? `#${id}`).sort()
  const run = async (q: string): Promise<string[]> => {
    const page = await searchIncidents(test.database, { q, limit: 500 }, NOW)

    return names(page.items.map((i) => i.id))
  }

  beforeAll(async () => {
    test = await createTestDatabase(dialect)
    for (const [name, seed] of Object.entries(SEEDS))
      ids[name] = await insertIncident(test.database.db, seed)
  })

  afterAll(async () => {
    await test.cleanup()
  })

  const cases: [string, string[]][] = [
    ['', ['disk', 'quiet', 'refused', 'timeout', 'unicode']],
    ['refused', ['refused']],
    ['REFUSED', ['refused']],
    ['econnrefused', ['refused']],
    ['"refused to data"', ['refused']],
    ['"to database connection"', []],
    ['on', ['disk', 'quiet', 'refused']],
    ['pool exhausted', ['refused']],
    ['"user=alice"', ['refused']],
    ['<NUM>', ['disk', 'quiet', 'refused', 'timeout']],
    ['cache warmup', []],
    ['newest sample', ['quiet']],
    ['second', ['quiet']],
    ['ошибка', ['unicode']],
    ['ОШИБКА', []],
    ['überweisung', []],
    ['Überweisung', ['unicode']],
    ['数据库', ['unicode']],
    ['🔥', ['unicode']],
    ['95%', ['disk']],
    ['data_1', ['disk']],
    ['%', ['disk']],
    ['_', ['disk']],
    ['"C:\\\\temp"', ['disk']],
    ['\\', ['disk']],
    ['severity:HIGH', ['refused', 'unicode']],
    ['severity:high,low', ['disk', 'quiet', 'refused', 'unicode']],
    ['severity:>=MEDIUM', ['refused', 'timeout', 'unicode']],
    ['severity:>medium', ['refused', 'unicode']],
    ['severity:<HIGH', ['disk', 'quiet', 'timeout']],
    ['severity:<=low', ['disk', 'quiet']],
    ['severity:>HIGH', []],
    ['status:open', ['refused', 'timeout']],
    ['status:ack', ['disk']],
    ['status:resolved,ignored', ['quiet', 'unicode']],
    ['service:api', ['timeout']],
    ['service:api*', ['disk', 'timeout']],
    ['service:*i*', ['disk', 'refused', 'timeout']],
    ['service:API', []],
    ['service:api,web', ['quiet', 'timeout']],
    ['service:"api"', ['timeout']],
    ['source:/var/log/api/*', ['disk', 'timeout']],
    ['source:*.log -source:*/api/*', ['quiet', 'refused', 'unicode']],
    ['ticket:INC0010001', ['refused']],
    ['ticket:inc0010001', ['refused']],
    ['ticket:INC001*', ['refused']],
    ['ticket:none', ['quiet', 'unicode']],
    ['ticket:pending', ['timeout']],
    ['ticket:failed', ['disk']],
    ['ticket:created', ['refused']],
    ['ticket:pending,failed', ['disk', 'timeout']],
    ['tag:network', ['refused', 'timeout']],
    ['tag:db', ['refused']],
    ['tag:net*', ['refused', 'timeout']],
    ['-tag:network', ['disk', 'quiet', 'unicode']],
    ['count:>100', ['refused']],
    ['count:>=100', ['quiet', 'refused', 'timeout']],
    ['count:<7', ['unicode']],
    ['count:<=7', ['disk', 'unicode']],
    ['count:100', ['quiet', 'timeout']],
    ['count:=250', ['refused']],
    ['count:1,7', ['disk', 'unicode']],
    ['since:1h', ['refused']],
    ['since:24h', ['refused', 'timeout']],
    ['since:7d', ['disk', 'refused', 'timeout', 'unicode']],
    ['from:-36h', ['disk', 'refused', 'timeout']],
    ['from:now-36h to:now-20h', ['disk']],
    ['to:-7d', ['quiet']],
    ['from:-15d to:-12d', []],
    ['from:2026-05-22 to:2026-05-31', ['disk', 'quiet', 'refused', 'unicode']],
    ['to:2026-05-12', ['quiet']],
    ['since:2026-05-31T12:00:00Z', ['refused', 'timeout']],
    ['refused OR timeout', ['refused', 'timeout']],
    ['refused timeout', []],
    ['refused AND severity:HIGH', ['refused']],
    ['-severity:HIGH', ['disk', 'quiet', 'timeout']],
    ['NOT severity:HIGH NOT status:ignored', ['disk', 'timeout']],
    ['(refused OR disk) -status:open', ['disk']],
    ['service:api* (severity:LOW OR count:>50)', ['disk', 'timeout']],
    ['-(service:api OR service:web) since:7d', ['disk', 'refused', 'unicode']],
    ['--refused', ['refused']],
    ['refused (since:1h (severity:HIGH))', ['refused']],
    ['fingerprint:nope', []],
    ['id:0', []],
  ]

  for (const [q, expected] of cases) {
    it(`matches ${q === '' ? 'everything' : q}`, async () => {
      expect(await run(q)).toEqual([...expected].sort())
    })
  }

  it('matches by fingerprint and id', async () => {
    const page = await searchIncidents(test.database, { q: `id:${ids.disk}` }, NOW)
    expect(page.items).toHaveLength(1)
    const fingerprint = page.items[0]?.fingerprint ?? ''
    expect(await run(`fingerprint:"${fingerprint}"`)).toEqual(['disk'])
    expect(await run(`id:>=${ids.unicode}`)).toEqual(['quiet', 'unicode'])
  })

  it('combines q with the separate filters', async () => {
    const page = await searchIncidents(
      test.database,
      { q: 'since:7d', severity: 'HIGH,MEDIUM', status: ['open'], service: 'billing,api' },
      NOW,
    )
    expect(names(page.items.map((i) => i.id))).toEqual(['refused', 'timeout'])
    const windowed = await searchIncidents(
      test.database,
      { from: NOW - 36 * HOUR, to: 'now-20h' },
      NOW,
    )
    expect(names(windowed.items.map((i) => i.id))).toEqual(['disk'])
  })

  it('maps rows to the shared incident JSON', async () => {
    const page = await searchIncidents(
      test.database,
      { q: 'refused', snowBaseUrl: 'https://acme.service-now.com' },
      NOW,
    )
    expect(page.items[0]).toMatchObject({
      id: ids.refused,
      severity: 'HIGH',
      status: 'open',
      title: 'Connection refused to database',
      service: 'billing',
      count: 250,
      tags: ['db', 'network'],
      isRegression: false,
      firstSeen: new Date(NOW - 3 * DAY).toISOString(),
      lastSeen: new Date(NOW - 10 * MINUTE).toISOString(),
      ticket: {
        number: 'INC0010001',
        sysId: 'a1b2',
        state: 'created',
        url: 'https://acme.service-now.com/nav_to.do?uri=incident.do%3Fsys_id%3Da1b2',
        error: null,
      },
    })
  })
})
