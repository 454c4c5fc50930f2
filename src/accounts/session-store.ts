import type { Db } from '../db/database.js'

import { randomSecret, sha256 } from './secrets.js'

/** How long sessions live, in milliseconds. */
export interface SessionLifetime {
  /** A session unused for this long ends (default 12 h). */
  idleMs: number
  /** A session ends this long after login whatever its use (default 7 days). */
  absoluteMs: number
}

export const DEFAULT_SESSION_LIFETIME: SessionLifetime = Object.freeze({
  idleMs: 12 * 60 * 60 * 1000,
  absoluteMs: 7 * 24 * 60 * 60 * 1000,
})

/** A freshly created session: the raw id goes into the cookie and exists nowhere else. */
export interface NewSession {
  id: string
  csrfToken: string
  expiresAt: number
}

/** A live session found by its raw id. */
export interface ActiveSession {
  /** sha256 of the raw id: the primary key, safe to keep in memory and logs. */
  key: string
  accountId: number
  csrfToken: string
  createdAt: number
  expiresAt: number
}

// last_seen_at is written at most this often, so that reads do not all turn into writes.
const TOUCH_INTERVAL_MS = 60 * 1000

/**
 * Sessions kept in the database, so that any web process serves any request. Only the sha256
 * of a session id is stored: a copy of the table does not let anyone log in. Ids are 256 random
 * bits, so they need no signature and no server secret.
 */
export class SessionStore {
  readonly #db: Db
  readonly #now: () => number
  readonly lifetime: SessionLifetime

  constructor(db: Db, now: () => number = Date.now, lifetime = DEFAULT_SESSION_LIFETIME) {
    this.#db = db
    this.#now = now
    this.lifetime = lifetime
  }

  /** Starts a session for an account: a new random id and CSRF token. */
  async create(
    accountId: number,
    client: { ip?: string | null; userAgent?: string | null } = {},
    db: Db = this.#db,
  ): Promise<NewSession> {
    const id = randomSecret(32)
    const csrfToken = randomSecret(32)
    const now = this.#now()
    const expiresAt = now + this.lifetime.absoluteMs
    await db
      .insertInto('sessions')
      .values({
        id: sha256(id),
        account_id: accountId,
        csrf_token: csrfToken,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
        ip: client.ip ?? null,
        user_agent: client.userAgent?.slice(0, 256) ?? null,
      })
      .execute()

    return { id, csrfToken, expiresAt }
  }

  /** The live session for a raw id, or null when unknown, idle too long or past its end. */
  async resolve(id: string): Promise<ActiveSession | null> {
    if (id === '' || id.length > 128) return null

    const key = sha256(id)
    const row = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', key)
      .executeTakeFirst()
    if (row === undefined) return null

    const now = this.#now()
    if (now >= row.expires_at || now - row.last_seen_at >= this.lifetime.idleMs) {
      await this.#db.deleteFrom('sessions').where('id', '=', key).execute()

      return null
    }
    if (now - row.last_seen_at >= TOUCH_INTERVAL_MS) {
      await this.#db
        .updateTable('sessions')
        .set({ last_seen_at: now })
        .where('id', '=', key)
        .execute()
    }

    return {
      key,
      accountId: row.account_id,
      csrfToken: row.csrf_token,
      createdAt: row.created_at,
      expiresAt: Math.min(row.expires_at, now + this.lifetime.idleMs),
    }
  }

  /** Ends one session by its key (the stored hash). */
  async delete(key: string, db: Db = this.#db): Promise<void> {
    await db.deleteFrom('sessions').where('id', '=', key).execute()
  }

  /** Ends every session of an account: after a password change, a reset or disabling it. */
  async deleteForAccount(accountId: number, db: Db = this.#db): Promise<number> {
    const result = await db
      .deleteFrom('sessions')
      .where('account_id', '=', accountId)
      .executeTakeFirst()

    return Number(result.numDeletedRows)
  }

  /** Removes sessions past their end or idle too long; returns how many. */
  async purgeExpired(): Promise<number> {
    const now = this.#now()
    const result = await this.#db
      .deleteFrom('sessions')
      .where((eb) =>
        eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - this.lifetime.idleMs)]),
      )
      .executeTakeFirst()

    return Number(result.numDeletedRows)
  }
}
