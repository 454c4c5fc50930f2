import type { Database } from '../db/database.js'
import { AppError } from '../errors/app-error.js'

import type { Account, AccountRepository } from './account-repository.js'
import type { ApiTokenRepository } from './api-token-repository.js'
import type { AuditLog } from './audit-log.js'
import type { LoginThrottle } from './login-throttle.js'
import type { PasswordHasher } from './password-hasher.js'
import type { SessionPrincipal, TokenPrincipal } from './principal.js'
import { weakerRole } from './roles.js'
import type { NewSession, SessionStore } from './session-store.js'

/** Where a login comes from: for throttling, the audit log and the session row. */
export interface LoginClient {
  ip: string
  userAgent?: string | null
}

/** The one message for every failed login, whatever the reason, so it tells an attacker nothing. */
export const LOGIN_FAILED_MESSAGE = 'invalid username or password'

/**
 * Logs people in and out and turns session ids and API tokens back into principals.
 * A failed login costs the same argon2 work whether or not the account exists.
 */
export class LoginService {
  readonly #database: Database
  readonly #accounts: AccountRepository
  readonly #sessions: SessionStore
  readonly #tokens: ApiTokenRepository
  readonly #throttle: LoginThrottle
  readonly #hasher: PasswordHasher
  readonly #audit: AuditLog

  constructor(parts: {
    database: Database
    accounts: AccountRepository
    sessions: SessionStore
    tokens: ApiTokenRepository
    throttle: LoginThrottle
    hasher: PasswordHasher
    audit: AuditLog
  }) {
    this.#database = parts.database
    this.#accounts = parts.accounts
    this.#sessions = parts.sessions
    this.#tokens = parts.tokens
    this.#throttle = parts.throttle
    this.#hasher = parts.hasher
    this.#audit = parts.audit
  }

  /**
   * Checks a username and password and starts a fresh session. Throws LOGIN_THROTTLED (429,
   * `details.retryAfter` in seconds) after too many failures, and LOGIN_FAILED (401) otherwise.
   */
  async login(
    rawUsername: string,
    password: string,
    client: LoginClient,
  ): Promise<{ account: Account; session: NewSession }> {
    const username = rawUsername.trim().toLowerCase().slice(0, 128)
    const actor = { id: null, name: username, ip: client.ip }
    const retryAfter = await this.#throttle.retryAfter(username, client.ip)
    if (retryAfter > 0) {
      await this.#audit.record({ action: 'login.throttled', actor, details: { retryAfter } })
      throw new AppError(
        'LOGIN_THROTTLED',
        `too many failed logins: try again in ${retryAfter} s`,
        {
          status: 429,
          details: { retryAfter },
        },
      )
    }

    const found = await this.#accounts.findWithHash(username)
    let valid = false
    if (found === null) await this.#hasher.verifyDecoy(password)
    else valid = await this.#hasher.verify(found.passwordHash, password)

    if (found === null || !valid || found.disabled) {
      await this.#throttle.record(username, client.ip, false)
      const reason = found === null ? 'unknown_user' : valid ? 'disabled' : 'wrong_password'
      await this.#audit.record({
        action: 'login.failure',
        actor: { ...actor, id: found?.id ?? null },
        details: { reason },
      })
      throw new AppError('LOGIN_FAILED', LOGIN_FAILED_MESSAGE, { status: 401 })
    }

    if (this.#hasher.needsRehash(found.passwordHash)) {
      await this.#accounts.setPasswordHash(found.id, await this.#hasher.hash(password), false)
    }
    await this.#throttle.record(username, client.ip, true)
    const session = await this.#database.transaction(async (tx) => {
      const created = await this.#sessions.create(found.id, client, tx)
      await this.#accounts.touchLogin(found.id, tx)
      await this.#audit.record(
        {
          action: 'login.success',
          actor: { id: found.id, name: found.username, ip: client.ip },
          targetType: 'session',
        },
        tx,
      )

      return created
    })
    const { passwordHash: _hash, ...account } = found

    return { account, session }
  }

  /** Ends a session and records it. */
  async logout(principal: SessionPrincipal, ip: string): Promise<void> {
    await this.#sessions.delete(principal.sessionKey)
    await this.#audit.record({
      action: 'logout',
      actor: { id: principal.accountId, name: principal.username, ip },
      targetType: 'session',
    })
  }

  /** The principal of a session id from a cookie, or null when it is not a live session of an enabled account. */
  async authenticateSession(sessionId: string): Promise<SessionPrincipal | null> {
    const session = await this.#sessions.resolve(sessionId)
    if (session === null) return null

    const account = await this.#accounts.findById(session.accountId)
    if (account === null || account.disabled) return null

    return {
      via: 'session',
      accountId: account.id,
      username: account.username,
      role: account.role,
      sessionKey: session.key,
      csrfToken: session.csrfToken,
    }
  }

  /** The principal of a bearer token, or null when it is unknown, expired, revoked or its account disabled. */
  async authenticateToken(secret: string): Promise<TokenPrincipal | null> {
    const token = await this.#tokens.findUsable(secret)
    if (token === null) return null

    const account = await this.#accounts.findById(token.accountId)
    if (account === null || account.disabled) return null

    return {
      via: 'token',
      accountId: account.id,
      username: account.username,
      role: weakerRole(token.role, account.role),
      tokenId: token.id,
    }
  }
}
