import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'

import type { Config, ServiceNowConfig } from '../config/config.js'
import type { Database } from '../db/database.js'
import type { Logger } from '../observability/logger.js'
import { counter, gauge } from '../observability/metrics.js'

import { DEFAULT_BACKOFF, backoffDelay, type BackoffSettings } from './backoff.js'
import {
  claimDueWork,
  countByState,
  finishWork,
  pruneDone,
  type ClaimedWork,
  type WorkOutcome,
} from './outbox-repository.js'
import { ServiceNowClient } from './servicenow-client.js'
import { isTicketError } from './ticket-error.js'
import { performWork } from './ticket-work.js'

export interface TicketDrainerOptions {
  database: Database
  config: Config
  logger: Logger
  /** Epoch milliseconds; tests pass a controllable clock. */
  clock?: () => number
  /** How often to look for due rows when idle, milliseconds (default 1000). */
  pollMs?: number
  backoff?: BackoffSettings
  /** How long a claim holds before another worker may take the row over, milliseconds. */
  leaseMs?: number
  /** Rows sent at the same time; defaults to config.serviceNow.concurrency. */
  concurrency?: number
  random?: () => number
}

const outcomes = counter('alims_ticket_work_total', 'Ticket outbox rows attempted, by outcome', [
  'kind',
  'outcome',
])

const backlog = gauge('alims_ticket_outbox_rows', 'Ticket outbox rows by state', ['state'])

// Done rows are kept this long for the admin page, then deleted.
const DONE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000
const HOUSEKEEPING_MS = 60_000

/**
 * Sends the ticket outbox to ServiceNow: claims due rows with a lease, at most `concurrency`
 * at a time and one at a time per incident, and retries failures with capped exponential
 * backoff and jitter (Retry-After on 429 pauses the whole drainer). A row is done only when
 * ServiceNow confirmed it; rejected data and bad credentials mark it failed for an operator.
 */
export class TicketDrainer {
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  readonly #database: Database
  readonly #snow: ServiceNowConfig
  readonly #publicUrl: string
  readonly #log: Logger
  readonly #client: ServiceNowClient
  readonly #clock: () => number
  readonly #random: () => number
  readonly #pollMs: number
  readonly #backoff: BackoffSettings
  readonly #leaseMs: number
  readonly #concurrency: number
  #pausedUntil = 0
  #housekeptAt = 0
  #running = false
  #loop: Promise<void> | null = null
  #wake: (() => void) | null = null

  constructor(options: TicketDrainerOptions & { snow: ServiceNowConfig }) {
    this.#database = options.database
    this.#snow = options.snow
    this.#publicUrl = options.config.publicUrl
    this.#log = options.logger.child({ component: 'tickets' })
    this.#clock = options.clock ?? Date.now
    this.#random = options.random ?? Math.random
    this.#client = new ServiceNowClient(options.snow, { clock: this.#clock })
    this.#pollMs = options.pollMs ?? 1000
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF
    // Long enough for a token grant, a lookup and a create, each up to the request timeout.
    this.#leaseMs =
      options.leaseMs ?? options.snow.connectTimeoutMs + 4 * options.snow.timeoutMs + 30_000
    this.#concurrency = options.concurrency ?? options.snow.concurrency
  }

  /** Starts the background loop. */
  start(): void {
    if (this.#running) return

    this.#running = true
    this.#loop = this.#run()
  }

  /** Stops claiming, waits for rows in flight to finish, and closes connections. */
  async stop(): Promise<void> {
    this.#running = false
    this.#wake?.()
    await this.#loop
    this.#client.close()
  }

  /** Claims and sends one round of due rows; returns how many were attempted. */
  async drainOnce(): Promise<number> {
    const now = this.#clock()
    if (now < this.#pausedUntil) return 0

    const claimed = await claimDueWork(this.#database, {
      workerId: this.workerId,
      now,
      leaseMs: this.#leaseMs,
      limit: this.#concurrency,
    })
    await Promise.all(claimed.map((work) => this.#attempt(work)))

    return claimed.length
  }

  async #run(): Promise<void> {
    this.#log.info({ workerId: this.workerId }, 'ticket drainer started')
    while (this.#running) {
      let attempted = 0
      try {
        await this.#housekeeping()
        attempted = await this.drainOnce()
      } catch (error) {
        this.#log.warn({ err: error }, 'ticket outbox unavailable, will retry')
      }
      if (attempted === 0) await this.#sleep(this.#pollMs)
    }
    this.#log.info({ workerId: this.workerId }, 'ticket drainer stopped')
  }

  /** Updates the backlog gauge and deletes old done rows, at most once a minute. */
  async #housekeeping(): Promise<void> {
    const now = this.#clock()
    if (now - this.#housekeptAt < HOUSEKEEPING_MS) return

    this.#housekeptAt = now
    const pruned = await pruneDone(this.#database, now - DONE_RETENTION_MS)
    if (pruned > 0) this.#log.debug({ pruned }, 'old ticket outbox rows deleted')
    const counts = await countByState(this.#database)
    for (const state of ['pending', 'sending', 'done', 'failed']) {
      backlog.set({ state }, counts[state] ?? 0)
    }
  }

  async #sleep(ms: number): Promise<void> {
    if (!this.#running) return

    await new Promise<void>((done) => {
      const timer = setTimeout(done, ms)
      this.#wake = () => {
        clearTimeout(timer)
        done()
      }
    })
    this.#wake = null
  }

  async #attempt(work: ClaimedWork): Promise<void> {
    const context = {
      db: this.#database.db,
      client: this.#client,
      snow: this.#snow,
      publicUrl: this.#publicUrl,
      clock: this.#clock,
    }
    let outcome: WorkOutcome
    let label: string
    try {
      const done = await performWork(context, work)
      outcome = done.outcome
      label = done.result
      this.#log.info(
        {
          outboxId: work.id,
          incidentId: work.incidentId,
          kind: work.kind,
          result: done.result,
          ticket: done.number,
        },
        'ticket work done',
      )
    } catch (error) {
      outcome = this.#failure(work, error)
      label = outcome.state === 'failed' ? 'failed' : 'retry'
    }

    outcomes.inc({ kind: work.kind, outcome: label })
    try {
      const recorded = await finishWork(this.#database, work, this.workerId, outcome)
      if (!recorded) {
        this.#log.warn({ outboxId: work.id }, 'ticket work lease lost, another worker took over')
      }
    } catch (error) {
      // The lease runs out and the row is tried again; a create then adopts its ticket.
      this.#log.warn({ err: error, outboxId: work.id }, 'ticket work outcome not recorded')
    }
  }

  #failure(work: ClaimedWork, error: unknown): WorkOutcome {
    const now = this.#clock()
    const ticketError = isTicketError(error) ? error : null
    const reason =
      ticketError === null
        ? `INTERNAL: ${error instanceof Error ? error.message : String(error)}`
        : `${ticketError.code}: ${ticketError.message}`
    const fields = {
      outboxId: work.id,
      incidentId: work.incidentId,
      kind: work.kind,
      attempts: work.attempts,
      code: ticketError?.code ?? 'INTERNAL',
    }
    const isCreate = work.kind === 'create'

    if (ticketError?.permanent === true) {
      this.#log.error({ ...fields, reason }, 'ticket work failed permanently')

      return {
        state: 'failed',
        now,
        error: reason,
        incident: {
          ticket_error: reason,
          ...(isCreate
            ? {
                ticket_state: 'failed',
                ticket_attempts: work.attempts,
                ticket_next_attempt_at: null,
              }
            : {}),
        },
      }
    }

    const retryAfter = ticketError?.retryAfterMs ?? null
    const delay = retryAfter ?? backoffDelay(work.attempts, this.#backoff, this.#random)
    if (retryAfter !== null) this.#pausedUntil = Math.max(this.#pausedUntil, now + retryAfter)
    const nextAttemptAt = now + delay
    this.#log.warn({ ...fields, reason, nextAttemptAt }, 'ticket work failed, will retry')

    return {
      state: 'pending',
      now,
      nextAttemptAt,
      error: reason,
      incident: {
        ticket_error: reason,
        ...(isCreate
          ? {
              ticket_state: 'failed',
              ticket_attempts: work.attempts,
              ticket_next_attempt_at: nextAttemptAt,
            }
          : {}),
      },
    }
  }
}

/**
 * Starts draining the ticket outbox in the worker; returns the function that stops it.
 * Without ServiceNow settings it does nothing (ticketing is off) and logs that once at info.
 */
export function startTicketDrainer(options: TicketDrainerOptions): () => Promise<void> {
  const snow = options.config.serviceNow
  if (snow === null) {
    options.logger.child({ component: 'tickets' }).info('ticketing off: SNOW_INSTANCE is not set')

    return () => Promise.resolve()
  }

  const drainer = new TicketDrainer({ ...options, snow })
  drainer.start()

  return () => drainer.stop()
}
