import type { Selectable } from 'kysely'

import type { Db } from '../db/database.js'
import type { ApiTokensTable } from '../db/schema.js'

import type { Role } from './roles.js'
import { randomSecret, sha256 } from './secrets.js'

/** Every token starts with this, so that secret scanners and people recognize one. */
export const TOKEN_PREFIX = 'alims_'

// Characters of the token kept in clear to tell tokens apart in lists: "alims_" plus 6.
const SHOWN_LENGTH = TOKEN_PREFIX.length + 6

/** An API token as lists show it: never the secret, only its first characters. */
export interface ApiToken {
  id: number
  name: string
  accountId: number
  role: Role
  prefix: string
  createdAt: number
  expiresAt: number | null
  revokedAt: number | null
  lastUsedAt: number | null
}

function toToken(row: Selectable<ApiTokensTable>): ApiToken {
  return {
    id: row.id,
    name: row.name,
    accountId: row.account_id,
    role: row.role,
    prefix: row.prefix,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  }
}

// last_used_at is written at most this often per token.
const TOUCH_INTERVAL_MS = 60 * 1000

/** Reads and writes `api_tokens`. The secret is 256 random bits; only its sha256 is stored. */
export class ApiTokenRepository {
  readonly #db: Db
  readonly #now: () => number

  constructor(db: Db, now: () => number = Date.now) {
    this.#db = db
    this.#now = now
  }

  /** Creates a token and returns it with its secret, which exists nowhere else afterwards. */
  async create(
    input: { name: string; accountId: number; role: Role; expiresAt: number | null },
    db: Db = this.#db,
  ): Promise<{ token: ApiToken; secret: string }> {
    const secret = `${TOKEN_PREFIX}${randomSecret(32)}`
    const row = await db
      .insertInto('api_tokens')
      .values({
        name: input.name,
        account_id: input.accountId,
        role: input.role,
        token_hash: sha256(secret),
        prefix: secret.slice(0, SHOWN_LENGTH),
        created_at: this.#now(),
        expires_at: input.expiresAt,
        revoked_at: null,
        last_used_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow()

    return { token: toToken(row), secret }
  }

  /** The token with this id, or null. */
  async findById(id: number, db: Db = this.#db): Promise<ApiToken | null> {
    const row = await db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()

    return row === undefined ? null : toToken(row)
  }

  /** Tokens, newest first; only one account's when `accountId` is given. */
  async list(accountId?: number): Promise<ApiToken[]> {
    let query = this.#db.selectFrom('api_tokens').selectAll()
    if (accountId !== undefined) query = query.where('account_id', '=', accountId)
    const rows = await query.orderBy('id', 'desc').execute()

    return rows.map(toToken)
  }

  /** The usable token that `secret` is, or null when unknown, revoked or expired. */
  async findUsable(secret: string): Promise<ApiToken | null> {
    if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 128) return null

    const row = await this.#db
      .selectFrom('api_tokens')
      .selectAll()
      .where('token_hash', '=', sha256(secret))
      .executeTakeFirst()
    const now = this.#now()
    if (row === undefined || row.revoked_at !== null) return null
    if (row.expires_at !== null && now >= row.expires_at) return null

    if (row.last_used_at === null || now - row.last_used_at >= TOUCH_INTERVAL_MS) {
      await this.#db
        .updateTable('api_tokens')
        .set({ last_used_at: now })
        .where('id', '=', row.id)
        .execute()
    }

    return toToken(row)
  }

  /** Marks a token revoked; false when it was unknown or already revoked. */
  async revoke(id: number, db: Db = this.#db): Promise<boolean> {
    const result = await db
      .updateTable('api_tokens')
      .set({ revoked_at: this.#now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()

    return Number(result.numUpdatedRows) > 0
  }
}
