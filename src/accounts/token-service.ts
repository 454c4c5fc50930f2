import type { Database } from '../db/database.js'
import { AppError } from '../errors/app-error.js'

import type { AccountRepository } from './account-repository.js'
import type { ApiToken, ApiTokenRepository } from './api-token-repository.js'
import type { Actor, AuditLog } from './audit-log.js'
import { hasRole, type Role } from './roles.js'

export interface CreateTokenInput {
  name: string
  accountId: number
  /** Defaults to the account's role; may not exceed it. */
  role?: Role
  /** Lifetime in milliseconds; null for a token that does not expire. */
  expiresInMs: number | null
}

/** API tokens with their rules: a token's role never exceeds its account's; creation and revocation are audited. */
export class TokenService {
  readonly #database: Database
  readonly #accounts: AccountRepository
  readonly #tokens: ApiTokenRepository
  readonly #audit: AuditLog
  readonly #now: () => number

  constructor(parts: {
    database: Database
    accounts: AccountRepository
    tokens: ApiTokenRepository
    audit: AuditLog
    now?: () => number
  }) {
    this.#database = parts.database
    this.#accounts = parts.accounts
    this.#tokens = parts.tokens
    this.#audit = parts.audit
    this.#now = parts.now ?? Date.now
  }

  /** Creates a token and returns its secret, shown this once. */
  async create(
    input: CreateTokenInput,
    actor: Actor,
  ): Promise<{ token: ApiToken; secret: string }> {
    const name = input.name.trim()
    if (name === '' || name.length > 100) {
      throw new AppError('VALIDATION_FAILED', 'name must be 1-100 characters', {
        status: 400,
        field: 'name',
      })
    }
    const account = await this.#accounts.findById(input.accountId)
    if (account === null || account.disabled) {
      throw new AppError('NOT_FOUND', `account ${input.accountId} does not exist or is disabled`, {
        status: 404,
        field: 'accountId',
      })
    }
    const role = input.role ?? account.role
    if (!hasRole(account.role, role)) {
      throw new AppError(
        'VALIDATION_FAILED',
        `role must not exceed the account's role (${account.role}), got ${role}`,
        { status: 400, field: 'role' },
      )
    }
    const expiresAt = input.expiresInMs === null ? null : this.#now() + input.expiresInMs

    return this.#database.transaction(async (tx) => {
      const created = await this.#tokens.create(
        { name, accountId: account.id, role, expiresAt },
        tx,
      )
      await this.#audit.record(
        {
          action: 'token.created',
          actor,
          targetType: 'token',
          targetId: created.token.id,
          details: {
            name,
            account: account.username,
            role,
            expiresAt,
            prefix: created.token.prefix,
          },
        },
        tx,
      )

      return created
    })
  }

  /** Revokes a token; NOT_FOUND when it does not exist or, with `ownerId`, belongs to someone else. */
  async revoke(id: number, actor: Actor, ownerId?: number): Promise<ApiToken> {
    const token = await this.#tokens.findById(id)
    if (token === null || (ownerId !== undefined && token.accountId !== ownerId)) {
      throw new AppError('NOT_FOUND', `token ${id} does not exist`, { status: 404 })
    }

    await this.#database.transaction(async (tx) => {
      if (await this.#tokens.revoke(id, tx)) {
        await this.#audit.record(
          {
            action: 'token.revoked',
            actor,
            targetType: 'token',
            targetId: id,
            details: { name: token.name },
          },
          tx,
        )
      }
    })

    return (await this.#tokens.findById(id)) ?? token
  }
}
