import type { Db } from '../db/database.js'

/** When login attempts are refused: `maxFailures` failures within `windowMs`, per user and per IP. */
export interface ThrottlePolicy {
  maxFailures: number
  windowMs: number
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = Object.freeze({
  maxFailures: 5,
  windowMs: 5 * 60 * 1000,
})

// Attempts older than a day serve no decision; they are removed at most this often.
const RETENTION_MS = 24 * 60 * 60 * 1000
const PURGE_INTERVAL_MS = 10 * 60 * 1000

/**
 * Counts failed logins in the `login_attempts` table, so that every web process sees the same
 * count. A success clears the count for that username (not for the IP: an attacker with one
 * valid account must not reset the counter of the address that guesses other passwords).
 */
export class LoginThrottle {
  readonly #db: Db
  readonly #now: () => number
  readonly policy: ThrottlePolicy
  #lastPurge = 0

  constructor(db: Db, now: () => number = Date.now, policy = DEFAULT_THROTTLE_POLICY) {
    this.#db = db
    this.#now = now
    this.policy = policy
  }

  /** Seconds until the next attempt is allowed for this user or IP; 0 when allowed now. */
  async retryAfter(username: string, ip: string): Promise<number> {
    const now = this.#now()
    const since = now - this.policy.windowMs
    const lastSuccess = await this.#db
      .selectFrom('login_attempts')
      .select((eb) => eb.fn.max('at').as('at'))
      .where('username', '=', username)
      .where('success', '=', 1)
      .where('at', '>', since)
      .executeTakeFirst()
    const userSince = Math.max(since, lastSuccess?.at ?? 0)

    const waits = [
      await this.#newestFailures('username', username, userSince),
      await this.#newestFailures('ip', ip, since),
    ]
      .filter((failures) => failures.length >= this.policy.maxFailures)
      // The count drops below the limit when the oldest of the newest `maxFailures` leaves the window.
      .map((failures) => (failures[failures.length - 1] ?? now) + this.policy.windowMs - now)
    if (waits.length === 0) return 0

    return Math.max(1, Math.ceil(Math.max(...waits) / 1000))
  }

  /** Records one attempt. */
  async record(username: string, ip: string, success: boolean): Promise<void> {
    const now = this.#now()
    await this.#db
      .insertInto('login_attempts')
      .values({ at: now, username: username.slice(0, 128), ip, success: success ? 1 : 0 })
      .execute()
    if (now - this.#lastPurge >= PURGE_INTERVAL_MS) {
      this.#lastPurge = now
      await this.#db
        .deleteFrom('login_attempts')
        .where('at', '<', now - RETENTION_MS)
        .execute()
    }
  }

  async #newestFailures(column: 'username' | 'ip', value: string, since: number) {
    const rows = await this.#db
      .selectFrom('login_attempts')
      .select('at')
      .where(column, '=', value)
      .where('success', '=', 0)
      .where('at', '>', since)
      .orderBy('at', 'desc')
      .limit(this.policy.maxFailures)
      .execute()

    return rows.map((row) => row.at)
  }
}
