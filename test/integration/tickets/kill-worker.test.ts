import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import { afterEach, beforeEach, expect, it } from 'vitest'

import { FakeServiceNow } from '../../fakes/servicenow-table-api.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

const SCRIPT = fileURLToPath(new URL('./drainer-process.ts', import.meta.url))
const ROWS = 500

function startWorker(t: TestDatabase, fake: FakeServiceNow): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    env: {
      ...process.env,
      DATABASE_URL: t.url,
      SNOW_INSTANCE: fake.url,
      SNOW_USER: 'alims',
      SNOW_PASS: 'kill-test-password',
      SNOW_TIMEOUT_MS: '300',
      SNOW_CONNECT_TIMEOUT_MS: '300',
      TICKET_LEASE_MS: '1500',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })

  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.stdout.once('data', () => {
      resolve(child)
    })
  })
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise((done) => child.once('exit', done))
  child.kill('SIGKILL')
  await exited
}

async function sleep(ms: number): Promise<void> {
  await new Promise((done) => setTimeout(done, ms))
}

describeEachDialect('a worker killed while draining', (dialect) => {
  let t: TestDatabase
  let fake: FakeServiceNow

  beforeEach(async () => {
    t = await createTestDatabase(dialect)
    fake = await FakeServiceNow.start({ password: 'kill-test-password', latencyMs: 15 })
  })
  afterEach(async () => {
    await fake.close()
    await t.cleanup()
  })

  it('leaves exactly one ticket per outbox row after repeated kill -9 and restarts', async () => {
    const db = t.database.db
    const now = Date.now()
    for (let start = 0; start < ROWS; start += 100) {
      const incidents = await db
        .insertInto('incidents')
        .values(
          Array.from({ length: 100 }, (_, i) => ({
            fingerprint: `kill-${start + i}`,
            status: 'open' as const,
            severity: 'HIGH' as const,
            title: `failure ${start + i}`,
            message: 'failure',
            template: 'failure <*>',
            service: 'svc',
            source: '/var/log/svc.log',
            rule: null,
            tags: '[]',
            first_seen_at: now,
            last_seen_at: now,
            created_at: now,
            activity_at: now,
            updated_at: now,
            count: 1,
            regression_count: 0,
            is_regression: 0,
            ticket_state: 'pending' as const,
          })),
        )
        .returning('id')
        .execute()
      await db
        .insertInto('ticket_outbox')
        .values(
          incidents.map((row) => ({
            incident_id: row.id,
            kind: 'create' as const,
            payload: '{}',
            state: 'pending' as const,
            attempts: 0,
            next_attempt_at: now,
            last_error: null,
            claimed_by: null,
            claimed_until: null,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute()
    }

    const kills: number[] = []
    for (let round = 0; round < 6; round += 1) {
      const sent = fake.requests.length
      const child = await startWorker(t, fake)
      // Kill at a random point after this worker has begun talking to ServiceNow.
      for (let i = 0; i < 1000 && fake.requests.length === sent; i += 1) await sleep(10)
      await sleep(Math.floor(Math.random() * 400))
      await killHard(child)
      kills.push(fake.incidents().length)
    }

    const child = await startWorker(t, fake)
    let waiting = ROWS
    for (let i = 0; i < 600 && waiting > 0; i += 1) {
      await sleep(100)
      const left = await db
        .selectFrom('ticket_outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('state', '<>', 'done')
        .executeTakeFirstOrThrow()
      waiting = left.n
    }
    await killHard(child)

    const tickets = fake.incidents()
    const correlation = new Set(tickets.map((r) => r.correlation_id))
    const incidents = await db
      .selectFrom('incidents')
      .select(['fingerprint', 'ticket_state', 'ticket_number'])
      .execute()
    const numbers = new Map(tickets.map((r) => [r.correlation_id, r.number]))

    // Kills landed mid-drain, and restarted workers looked up rows cut short by a kill.
    expect(kills.some((n) => n > 0 && n < ROWS)).toBe(true)
    expect(fake.requests.filter((r) => r.method === 'GET').length).toBeGreaterThan(0)
    expect(waiting).toBe(0)
    expect(tickets).toHaveLength(ROWS)
    expect(correlation.size).toBe(ROWS)
    for (const incident of incidents) {
      expect(incident.ticket_state).toBe('created')
      expect(numbers.get(incident.fingerprint)).toBe(incident.ticket_number)
    }
  }, 180_000)
})
