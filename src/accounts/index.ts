import type { Database } from '../db/database.js'

import { AccountRepository } from './account-repository.js'
import { AccountService } from './account-service.js'
import { ApiTokenRepository } from './api-token-repository.js'
import { AuditLog } from './audit-log.js'
import { ensureAdmin, type EnsureAdminResult } from './ensure-admin.js'
import { LoginService } from './login-service.js'
import { DEFAULT_THROTTLE_POLICY, LoginThrottle, type ThrottlePolicy } from './login-throttle.js'
import { DEFAULT_HASH_PARAMETERS, PasswordHasher, type HashParameters } from './password-hasher.js'
import { DEFAULT_SESSION_LIFETIME, SessionStore, type SessionLifetime } from './session-store.js'
import { TokenService } from './token-service.js'

export type { Account, AccountChanges } from './account-repository.js'
export { normalizeEmail, normalizeUsername } from './account-repository.js'
export type { ApiToken } from './api-token-repository.js'
export { TOKEN_PREFIX } from './api-token-repository.js'
export type { Actor, AuditAction, AuditRecord } from './audit-log.js'
export { parseDuration } from './duration.js'
export { FIRST_ADMIN, type EnsureAdminResult } from './ensure-admin.js'
export { LOGIN_FAILED_MESSAGE, type LoginClient } from './login-service.js'
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password-hasher.js'
export type { Principal, SessionPrincipal, TokenPrincipal } from './principal.js'
export { ROLES, hasRole, isRole, weakerRole, type Role } from './roles.js'
export { safeEqual, sha256 } from './secrets.js'
export {
  AccountRepository,
  AccountService,
  ApiTokenRepository,
  AuditLog,
  LoginService,
  LoginThrottle,
  PasswordHasher,
  SessionStore,
  TokenService,
}

/** Tunables of the account services; tests pass a clock and cheaper parameters. */
export interface AccountOptions {
  now?: () => number
  hash?: HashParameters
  sessions?: SessionLifetime
  throttle?: ThrottlePolicy
}

/** Every account service over one database, sharing one clock. */
export interface AccountServices {
  accounts: AccountRepository
  tokens: ApiTokenRepository
  sessions: SessionStore
  throttle: LoginThrottle
  hasher: PasswordHasher
  audit: AuditLog
  users: AccountService
  login: LoginService
  apiTokens: TokenService
  /** Creates the first `admin` account unless it exists (see ensureAdmin). */
  ensureAdmin(configuredPassword: string | null): Promise<EnsureAdminResult>
}

/** Wires the account services over `database`. */
export function createAccountServices(
  database: Database,
  options: AccountOptions = {},
): AccountServices {
  const now = options.now ?? Date.now
  const db = database.db
  const accounts = new AccountRepository(db, now)
  const tokens = new ApiTokenRepository(db, now)
  const sessions = new SessionStore(db, now, options.sessions ?? DEFAULT_SESSION_LIFETIME)
  const throttle = new LoginThrottle(db, now, options.throttle ?? DEFAULT_THROTTLE_POLICY)
  const hasher = new PasswordHasher(options.hash ?? DEFAULT_HASH_PARAMETERS)
  const audit = new AuditLog(db, now)
  const shared = { database, accounts, sessions, hasher, audit }

  return {
    accounts,
    tokens,
    sessions,
    throttle,
    hasher,
    audit,
    users: new AccountService(shared),
    login: new LoginService({ ...shared, tokens, throttle }),
    apiTokens: new TokenService({ database, accounts, tokens, audit, now }),
    ensureAdmin: (configuredPassword) =>
      ensureAdmin({ accounts, hasher, audit, configuredPassword }),
  }
}
