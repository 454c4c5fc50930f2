import type { Database } from '../db/database.js'
import { AppError } from '../errors/app-error.js'

import {
  normalizeEmail,
  normalizeUsername,
  type Account,
  type AccountRepository,
} from './account-repository.js'
import type { Actor, AuditLog } from './audit-log.js'
import { checkPasswordPolicy, type PasswordHasher } from './password-hasher.js'
import type { Role } from './roles.js'
import type { SessionStore } from './session-store.js'

export interface CreateAccountInput {
  username: string
  email?: string | null
  role: Role
  password: string
}

export interface UpdateAccountInput {
  email?: string | null
  role?: Role
  disabled?: boolean
}

function notFound(id: number): AppError {
  return new AppError('NOT_FOUND', `account ${id} does not exist`, { status: 404 })
}

/** User management with its rules: audit rows, the last admin stays, sessions end with a password. */
export class AccountService {
  readonly #database: Database
  readonly #accounts: AccountRepository
  readonly #sessions: SessionStore
  readonly #hasher: PasswordHasher
  readonly #audit: AuditLog

  constructor(parts: {
    database: Database
    accounts: AccountRepository
    sessions: SessionStore
    hasher: PasswordHasher
    audit: AuditLog
  }) {
    this.#database = parts.database
    this.#accounts = parts.accounts
    this.#sessions = parts.sessions
    this.#hasher = parts.hasher
    this.#audit = parts.audit
  }

  /** Creates an account; CONFLICT when the username is taken, VALIDATION_FAILED for bad fields. */
  async create(input: CreateAccountInput, actor: Actor): Promise<Account> {
    const username = normalizeUsername(input.username)
    const email = normalizeEmail(input.email)
    checkPasswordPolicy(input.password)
    const passwordHash = await this.#hasher.hash(input.password)

    return this.#database.transaction(async (tx) => {
      const account = await this.#accounts.create(
        { username, email, role: input.role, passwordHash },
        tx,
      )
      await this.#audit.record(
        {
          action: 'user.created',
          actor,
          targetType: 'account',
          targetId: account.id,
          details: { username, role: account.role },
        },
        tx,
      )

      return account
    })
  }

  /** Changes email, role or the disabled flag; disabling ends the account's sessions. */
  async update(id: number, input: UpdateAccountInput, actor: Actor): Promise<Account> {
    const email = input.email === undefined ? undefined : normalizeEmail(input.email)

    return this.#database.transaction(async (tx) => {
      const before = await this.#accounts.findById(id, tx)
      if (before === null) throw notFound(id)

      const losesAdmin =
        before.role === 'admin' &&
        !before.disabled &&
        ((input.role !== undefined && input.role !== 'admin') || input.disabled === true)
      if (losesAdmin && (await this.#accounts.countActiveAdmins(tx)) <= 1) {
        throw new AppError(
          'CONFLICT',
          'the last enabled admin cannot be demoted or disabled: make another account admin first',
          { status: 409, field: input.disabled === true ? 'disabled' : 'role' },
        )
      }
      if (input.disabled === true && actor.id === id) {
        throw new AppError('CONFLICT', 'you cannot disable your own account', {
          status: 409,
          field: 'disabled',
        })
      }

      const after = await this.#accounts.update(id, { ...input, email }, tx)
      if (after === null) throw notFound(id)

      const target = { actor, targetType: 'account' as const, targetId: id }
      if (after.role !== before.role) {
        await this.#audit.record(
          {
            ...target,
            action: 'user.role_changed',
            details: { from: before.role, to: after.role },
          },
          tx,
        )
      }
      if (after.disabled !== before.disabled) {
        await this.#audit.record(
          { ...target, action: after.disabled ? 'user.disabled' : 'user.enabled' },
          tx,
        )
        if (after.disabled) await this.#sessions.deleteForAccount(id, tx)
      }
      if (after.email !== before.email) {
        await this.#audit.record(
          { ...target, action: 'user.changed', details: { fields: ['email'] } },
          tx,
        )
      }

      return after
    })
  }

  /** Sets a new password for the account's owner after checking the current one; ends all its sessions. */
  async changeOwnPassword(
    accountId: number,
    currentPassword: string,
    newPassword: string,
    actor: Actor,
  ): Promise<void> {
    const account = await this.#accounts.findById(accountId)
    if (account === null) throw notFound(accountId)

    const withHash = await this.#accounts.findWithHash(account.username)
    if (withHash === null || !(await this.#hasher.verify(withHash.passwordHash, currentPassword))) {
      throw new AppError('VALIDATION_FAILED', 'currentPassword is not the current password', {
        status: 400,
        field: 'currentPassword',
      })
    }

    await this.#setPassword(accountId, newPassword, 'newPassword', 'user.password_changed', actor)
  }

  /** An admin sets someone's password; ends all of that account's sessions. */
  async resetPassword(accountId: number, newPassword: string, actor: Actor): Promise<void> {
    if ((await this.#accounts.findById(accountId)) === null) throw notFound(accountId)

    await this.#setPassword(accountId, newPassword, 'password', 'user.password_reset', actor)
  }

  async #setPassword(
    accountId: number,
    password: string,
    field: string,
    action: 'user.password_changed' | 'user.password_reset',
    actor: Actor,
  ): Promise<void> {
    checkPasswordPolicy(password, field)
    const passwordHash = await this.#hasher.hash(password)
    await this.#database.transaction(async (tx) => {
      await this.#accounts.setPasswordHash(accountId, passwordHash, true, tx)
      const ended = await this.#sessions.deleteForAccount(accountId, tx)
      await this.#audit.record(
        {
          action,
          actor,
          targetType: 'account',
          targetId: accountId,
          details: { sessionsEnded: ended },
        },
        tx,
      )
    })
  }
}
