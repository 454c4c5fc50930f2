import { Writable } from 'node:stream'

import { loadConfig, type Config, type Env } from '../../../src/config/config.js'
import type { DialectName } from '../../../src/db/dialect.js'
import { createLogger, type Logger } from '../../../src/observability/logger.js'
import { enqueueTicketWork, type TicketWorkKind } from '../../../src/tickets/outbox.js'
import { TicketDrainer, type TicketDrainerOptions } from '../../../src/tickets/ticket-drainer.js'
import { FakeServiceNow, type FakeServiceNowOptions } from '../../fakes/servicenow-table-api.js'
import { createTestDatabase, type TestDatabase } from '../../helpers/databases.js'

export const SNOW_USER = 'alims-integration'
export const SNOW_PASS = 'pa55-w0rd-Secret!'
export const START = Date.UTC(2026, 11, 3, 10, 0, 0)

/** A clock tests move by hand. */
export class TestClock {
  now = START
  readonly read = (): number => this.now
  advance(ms: number): void {
    this.now += ms
  }
}

/** Everything one ticket test needs: a database, the fake, a config, captured logs. */
export interface TicketHarness {
  t: TestDatabase
  fake: FakeServiceNow
  config: Config
  clock: TestClock
  logs: string[]
  logger: Logger
  drainer(options?: Partial<TicketDrainerOptions>): TicketDrainer
  enqueue(incidentId: number, kind: TicketWorkKind): Promise<void>
  outbox(incidentId?: number): Promise<
    {
      id: number
      kind: string
      state: string
      attempts: number
      last_error: string | null
      next_attempt_at: number
    }[]
  >
  incident(id: number): Promise<Record<string, unknown>>
  close(): Promise<void>
}

/** Starts the fake and a fresh database; `env` adds or overrides settings. */
export async function ticketHarness(
  dialect: DialectName,
  options: { fake?: FakeServiceNowOptions; env?: Env } = {},
): Promise<TicketHarness> {
  const t = await createTestDatabase(dialect)
  const fake = await FakeServiceNow.start({ user: SNOW_USER, password: SNOW_PASS, ...options.fake })
  const config = loadConfig(
    {
      SNOW_INSTANCE: fake.url,
      SNOW_USER,
      SNOW_PASS,
      SNOW_TIMEOUT_MS: '400',
      SNOW_CONNECT_TIMEOUT_MS: '400',
      ALIMS_PUBLIC_URL: 'https://alims.example.com',
      SNOW_ASSIGNMENT_GROUP: 'Service Desk',
      ...options.env,
    },
    '/nonexistent',
  )
  const clock = new TestClock()
  const logs: string[] = []
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString('utf8'))
        done()
      },
    }),
  })
  const drainers: TicketDrainer[] = []

  return {
    t,
    fake,
    config,
    clock,
    logs,
    logger,
    drainer(overrides = {}) {
      const snow = config.serviceNow
      if (snow === null) throw new Error('ServiceNow is not configured')

      const drainer = new TicketDrainer({
        database: t.database,
        config,
        logger,
        clock: clock.read,
        snow,
        ...overrides,
      })
      drainers.push(drainer)

      return drainer
    },
    async enqueue(incidentId, kind) {
      await t.database.transaction(async (tx) => {
        await enqueueTicketWork(tx, { incidentId, kind, now: clock.now })
      })
    },
    async outbox(incidentId) {
      let query = t.database.db
        .selectFrom('ticket_outbox')
        .select(['id', 'kind', 'state', 'attempts', 'last_error', 'next_attempt_at'])
        .orderBy('id')
      if (incidentId !== undefined) query = query.where('incident_id', '=', incidentId)

      return query.execute()
    },
    async incident(id) {
      return t.database.db
        .selectFrom('incidents')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    },
    async close() {
      for (const drainer of drainers) await drainer.stop()
      await fake.close()
      await t.cleanup()
    },
  }
}

/**
 * Drains until nothing is waiting: each round sends what is due, then moves the clock to the
 * next due row. Returns the number of rounds; throws after `maxRounds`.
 */
export async function drainAll(
  h: TicketHarness,
  drainer: TicketDrainer,
  maxRounds = 400,
): Promise<number> {
  let stalled = 0
  for (let round = 1; round <= maxRounds; round += 1) {
    const attempted = await drainer.drainOnce()
    if (attempted > 0) continue

    const next = await h.t.database.db
      .selectFrom('ticket_outbox')
      .select((eb) => eb.fn.min('next_attempt_at').as('due'))
      .where('state', 'in', ['pending', 'sending'])
      .executeTakeFirst()
    const due = next?.due ?? null
    if (due === null) return round

    // Due but not claimed: the drainer is paused (429) or the rows wait behind a failed create.
    stalled = due <= h.clock.now ? stalled + 1 : 0
    if (stalled > 120) return round

    h.clock.now = Math.max(h.clock.now + 1000, due)
  }

  throw new Error(`outbox not drained after ${maxRounds} rounds`)
}
