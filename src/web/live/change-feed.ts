import pg from 'pg'

import type { Database } from '../../db/database.js'
import { CHANGE_CHANNEL, type ChangeKind } from '../../incidents/changes.js'
import type { Logger } from '../../observability/logger.js'

/** One entry of the change sequence, as live updates carry it. */
export interface Change {
  seq: number
  at: number
  kind: ChangeKind
  incidentId: number | null
}

export type ChangeListener = (changes: readonly Change[]) => void

export interface ChangeFeedOptions {
  database: Database
  logger: Logger
  /** How often to look for new changes without a notification (ms). */
  pollMs?: number
  /** Changes older than this are pruned (ms). */
  retentionMs?: number
}

const PAGE = 1000

/**
 * Tells the web process about incident changes the worker committed. It reads the `changes`
 * sequence: polled on SQLite, and woken by LISTEN/NOTIFY on PostgreSQL (with a slower poll as
 * a safety net), so every web process sees every change whichever worker wrote it.
 */
export class ChangeFeed {
  readonly #options: Required<ChangeFeedOptions>
  readonly #listeners = new Set<ChangeListener>()
  readonly #log: Logger
  #lastSeq = 0
  #timer: NodeJS.Timeout | null = null
  #listener: pg.Client | null = null
  #reading: Promise<void> | null = null
  #again = false
  #stopped = false
  #lastPrune = 0

  constructor(options: ChangeFeedOptions) {
    const postgres = options.database.dialect === 'postgres'
    this.#options = {
      // The SQLite poll is one indexed range read; 50 ms keeps append-to-browser latency low.
      pollMs: postgres ? 1000 : 50,
      retentionMs: 24 * 60 * 60 * 1000,
      ...options,
    }
    this.#log = options.logger.child({ component: 'change-feed' })
  }

  /** Starts following the sequence from its current end. */
  async start(): Promise<void> {
    this.#lastSeq = await this.latestSeq()
    if (this.#options.database.dialect === 'postgres') await this.#listen()
    this.#schedule()
  }

  /** Stops polling and listening. */
  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer !== null) clearTimeout(this.#timer)
    await this.#reading
    await this.#listener?.end().catch(() => undefined)
    this.#listener = null
  }

  /** The newest sequence number in the database (0 when empty). */
  async latestSeq(): Promise<number> {
    const row = await this.#options.database.db
      .selectFrom('changes')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst()

    return row?.seq ?? 0
  }

  /** Changes after `seq`, oldest first, at most `limit`: for a client that reconnects. */
  async since(seq: number, limit = PAGE): Promise<Change[]> {
    const rows = await this.#options.database.db
      .selectFrom('changes')
      .selectAll()
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(limit)
      .execute()

    return rows.map((r) => ({
      seq: r.seq,
      at: r.at,
      kind: r.kind as ChangeKind,
      incidentId: r.incident_id,
    }))
  }

  /** Calls `listener` with each new run of changes; returns the unsubscribe function. */
  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener)

    return () => {
      this.#listeners.delete(listener)
    }
  }

  /** Reads new changes now (a notification arrived, or a test wants it). */
  async poll(): Promise<void> {
    if (this.#reading !== null) {
      this.#again = true

      return this.#reading
    }

    this.#reading = this.#read().finally(() => {
      this.#reading = null
    })
    await this.#reading
    if (this.#again) {
      this.#again = false
      await this.poll()
    }
  }

  async #read(): Promise<void> {
    for (;;) {
      const changes = await this.since(this.#lastSeq)
      const last = changes.at(-1)
      if (last === undefined) break

      this.#lastSeq = last.seq
      for (const listener of this.#listeners) {
        try {
          listener(changes)
        } catch (error) {
          this.#log.warn({ err: error }, 'change listener failed')
        }
      }
      if (changes.length < PAGE) break
    }
    await this.#prune()
  }

  async #prune(): Promise<void> {
    const now = Date.now()
    if (now - this.#lastPrune < 60_000) return

    this.#lastPrune = now
    await this.#options.database.db
      .deleteFrom('changes')
      .where('at', '<', now - this.#options.retentionMs)
      .execute()
  }

  #schedule(): void {
    if (this.#stopped) return

    this.#timer = setTimeout(() => {
      this.poll()
        .catch((error: unknown) => {
          this.#log.warn({ err: error }, 'reading changes failed')
        })
        .finally(() => {
          this.#schedule()
        })
    }, this.#options.pollMs)
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#options.database.url })
    client.on('error', (error) => {
      this.#log.warn({ err: error }, 'change listener connection lost, polling until it is back')
      this.#listener = null
      if (!this.#stopped) setTimeout(() => void this.#listen().catch(() => undefined), 1000)
    })
    client.on('notification', () => {
      void this.poll().catch((error: unknown) => {
        this.#log.warn({ err: error }, 'reading changes failed')
      })
    })
    await client.connect()
    await client.query(`listen ${CHANGE_CHANNEL}`)
    this.#listener = client
  }
}
