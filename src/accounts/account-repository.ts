import type { Selectable } from 'kysely'

import type { Db } from '../db/database.js'
import type { AccountsTable } from '../db/schema.js'
import { AppError } from '../errors/app-error.js'

import type { Role } from './roles.js'

/** An account as the rest of the program sees it: never with its password hash. */
export interface Account {
  id: number
  username: string
  email: string | null
  role: Role
  disabled: boolean
  createdAt: number
  updatedAt: number
  passwordChangedAt: number
  lastLoginAt: number | null
}

/** An account together with its password hash, for the login path only. */
export interface AccountWithHash extends Account {
  passwordHash: string
}

export interface NewAccount {
  username: string
  email?: string | null
  role: Role
  passwordHash: string
}

export interface AccountChanges {
  email?: string | null
  role?: Role
  disabled?: boolean
}

/** Letters, digits and . _ @ -, 1-64 characters; stored in lower case so names are unique regardless of case. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,63}$/

/** Lower-cases and checks a username; throws VALIDATION_FAILED naming the field. */
export function normalizeUsername(raw: string, field = 'username'): string {
  const username = raw.trim().toLowerCase()
  if (!USERNAME_PATTERN.test(username)) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${field} must be 1-64 letters, digits, dots, underscores, @ or dashes, starting with a letter or digit`,
      { status: 400, field },
    )
  }

  return username
}

/** Checks an email address loosely (one @, no spaces); throws VALIDATION_FAILED naming the field. */
export function normalizeEmail(raw: string | null | undefined, field = 'email'): string | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null

  const email = raw.trim()
  if (email.length > 254 || !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(email)) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${field} must be an email address such as ops@example.com`,
      {
        status: 400,
        field,
      },
    )
  }

  return email
}

function toAccount(row: Selectable<AccountsTable>): Account {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    role: row.role,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    passwordChangedAt: row.password_changed_at,
    lastLoginAt: row.last_login_at,
  }
}

/** Reads and writes the `accounts` table. */
export class AccountRepository {
  readonly #db: Db
  readonly #now: () => number

  constructor(db: Db, now: () => number = Date.now) {
    this.#db = db
    this.#now = now
  }

  /** Inserts an account; CONFLICT (409) when the username is taken. */
  async create(account: NewAccount, db: Db = this.#db): Promise<Account> {
    const inserted = await this.insertIfAbsent(account, db)
    if (inserted === null) {
      throw new AppError('CONFLICT', `username "${account.username}" is already taken`, {
        status: 409,
        field: 'username',
      })
    }

    return inserted
  }

  /**
   * Inserts an account unless the username exists, atomically across processes;
   * returns null when another row already holds the name.
   */
  async insertIfAbsent(account: NewAccount, db: Db = this.#db): Promise<Account | null> {
    const now = this.#now()
    const result = await db
      .insertInto('accounts')
      .values({
        username: account.username,
        email: account.email ?? null,
        role: account.role,
        password_hash: account.passwordHash,
        disabled: 0,
        created_at: now,
        updated_at: now,
        password_changed_at: now,
        last_login_at: null,
      })
      .onConflict((conflict) => conflict.column('username').doNothing())
      .executeTakeFirst()
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return null

    return this.findByUsername(account.username, db)
  }

  /** The account with this id, or null. */
  async findById(id: number, db: Db = this.#db): Promise<Account | null> {
    const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst()

    return row === undefined ? null : toAccount(row)
  }

  /** The account with this (normalized) username, or null. */
  async findByUsername(username: string, db: Db = this.#db): Promise<Account | null> {
    const found = await this.findWithHash(username, db)
    if (found === null) return null

    const { passwordHash: _hash, ...account } = found

    return account
  }

  /** The account with its password hash, for verifying a login. */
  async findWithHash(username: string, db: Db = this.#db): Promise<AccountWithHash | null> {
    const row = await db
      .selectFrom('accounts')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst()

    return row === undefined ? null : { ...toAccount(row), passwordHash: row.password_hash }
  }

  /** Every account, by username. */
  async list(db: Db = this.#db): Promise<Account[]> {
    const rows = await db.selectFrom('accounts').selectAll().orderBy('username').execute()

    return rows.map(toAccount)
  }

  /** Applies the given changes; returns the updated account, or null when it does not exist. */
  async update(id: number, changes: AccountChanges, db: Db = this.#db): Promise<Account | null> {
    await db
      .updateTable('accounts')
      .set({
        ...(changes.email === undefined ? {} : { email: changes.email }),
        ...(changes.role === undefined ? {} : { role: changes.role }),
        ...(changes.disabled === undefined ? {} : { disabled: changes.disabled ? 1 : 0 }),
        updated_at: this.#now(),
      })
      .where('id', '=', id)
      .execute()

    return this.findById(id, db)
  }

  /** Stores a new password hash. `changed` false keeps password_changed_at (a rehash of the same password). */
  async setPasswordHash(id: number, passwordHash: string, changed: boolean, db: Db = this.#db) {
    const now = this.#now()
    await db
      .updateTable('accounts')
      .set({
        password_hash: passwordHash,
        ...(changed ? { password_changed_at: now, updated_at: now } : {}),
      })
      .where('id', '=', id)
      .execute()
  }

  /** Records a successful login. */
  async touchLogin(id: number, db: Db = this.#db): Promise<void> {
    await db
      .updateTable('accounts')
      .set({ last_login_at: this.#now() })
      .where('id', '=', id)
      .execute()
  }

  /** How many enabled admins exist; the last one may not be demoted or disabled. */
  async countActiveAdmins(db: Db = this.#db): Promise<number> {
    const row = await db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .executeTakeFirstOrThrow()

    return Number(row.n)
  }
}
