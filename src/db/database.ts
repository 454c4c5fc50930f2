import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, isAbsolute, resolve } from 'node:path'

import BetterSqlite3 from 'better-sqlite3'
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  sql,
  type SqliteDatabase,
  type Transaction,
} from 'kysely'
import type pgModule from 'pg'

import { AppError } from '../errors/app-error.js'

import type { DialectName } from './dialect.js'
import type { Schema } from './schema.js'

export type Db = Kysely<Schema>
export type Tx = Transaction<Schema> | Kysely<Schema>

/** An open database: the typed query builder, which dialect it speaks, and how to close it. */
export interface Database {
  readonly db: Db
  readonly dialect: DialectName
  /** The URL without its password, for logs and messages. */
  readonly displayUrl: string
  /** The URL as given, credentials included: for a second connection (LISTEN), never for logs. */
  readonly url: string
  /** Runs `work` in one transaction; on SQLite it takes the write lock up front (BEGIN IMMEDIATE). */
  transaction<T>(work: (tx: Transaction<Schema>) => Promise<T>): Promise<T>
  close(): Promise<void>
}

export interface OpenOptions {
  /** Resolve relative SQLite paths against this folder (default: the process's cwd). */
  cwd?: string
  /** PostgreSQL pool size. */
  poolSize?: number
}

/** Parses `sqlite:PATH` (relative, absolute, or `:memory:`) into a file path. */
export function sqlitePath(url: string, cwd = process.cwd()): string {
  let path = url.replace(/^sqlite:/, '')
  if (path.startsWith('//')) path = path.slice(2)
  if (path === '')
    throw new AppError('DB_URL_INVALID', 'DATABASE_URL sqlite: needs a file path, got ""')
  if (path === ':memory:') return path

  return isAbsolute(path) ? path : resolve(cwd, path)
}

/**
 * The handle as Kysely sees it, with prepared statements kept by their SQL text (the newest
 * `limit`): Kysely prepares every query anew, and preparing a statement costs more than running
 * most of the worker's. A statement still being iterated is never handed out twice.
 */
function keepingStatements(handle: BetterSqlite3.Database, limit = 512): SqliteDatabase {
  const kept = new Map<string, BetterSqlite3.Statement>()

  return {
    close: () => handle.close(),
    prepare(text) {
      let statement = kept.get(text)
      if (statement !== undefined && !statement.busy) {
        // Most recently used last, so the oldest is the first to go.
        kept.delete(text)
        kept.set(text, statement)

        return statement
      }
      statement = handle.prepare(text)
      kept.set(text, statement)
      if (kept.size > limit) {
        const oldest = kept.keys().next()
        if (oldest.done !== true) kept.delete(oldest.value)
      }

      return statement
    },
  }
}

function openSqlite(url: string, cwd: string): Database {
  const path = sqlitePath(url, cwd)
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })

  const handle = new BetterSqlite3(path)
  handle.pragma('journal_mode = WAL')
  handle.pragma('busy_timeout = 10000')
  handle.pragma('foreign_keys = ON')
  handle.pragma('synchronous = NORMAL')
  const db = new Kysely<Schema>({
    dialect: new SqliteDialect({ database: keepingStatements(handle) }),
  })

  return {
    db,
    dialect: 'sqlite',
    displayUrl: `sqlite:${path}`,
    url,
    async transaction(work) {
      // Kysely opens SQLite transactions as deferred; a deferred reader that later writes can
      // fail with SQLITE_BUSY when another process wrote meanwhile, so take the lock first.
      return db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn)
        try {
          const result = await work(conn as unknown as Transaction<Schema>)
          await sql`commit`.execute(conn)

          return result
        } catch (error) {
          await sql`rollback`.execute(conn).catch(() => undefined)
          throw error
        }
      })
    },
    async close() {
      await db.destroy()
    },
  }
}

// The PostgreSQL driver is loaded when a PostgreSQL database is opened: a SQLite process (the
// default, and every one-shot command on it) starts without it.
const require = createRequire(import.meta.url)

function openPostgres(url: string, poolSize: number): Database {
  const pg = require('pg') as typeof pgModule
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
      // int8 and numeric as numbers: ids, counts and epoch milliseconds stay below 2^53.
      if (oid === 20 || oid === 1700) return (value: string) => Number(value)

      const builtin = pg.types.getTypeParser as (
        id: number,
        f: string,
      ) => (value: string) => unknown

      return builtin(oid, format ?? 'text')
    },
  }
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types })
  // An idle client that loses its server emits 'error'; the pool replaces it on next use.
  pool.on('error', () => undefined)
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) })
  const parsed = new URL(url)
  if (parsed.password !== '') parsed.password = '***'

  return {
    db,
    dialect: 'postgres',
    displayUrl: parsed.toString(),
    url,
    async transaction(work) {
      return db.transaction().execute(work)
    },
    async close() {
      await db.destroy()
    },
  }
}

/** Opens the database that `url` names: `sqlite:PATH` or `postgres://…`. */
export function openDatabase(url: string, options: OpenOptions = {}): Database {
  if (url.startsWith('sqlite:')) return openSqlite(url, options.cwd ?? process.cwd())
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return openPostgres(url, options.poolSize ?? 10)
  }

  throw new AppError(
    'DB_URL_INVALID',
    'DATABASE_URL must start with sqlite: or postgres://, got a value with another scheme',
    { field: 'DATABASE_URL' },
  )
}
