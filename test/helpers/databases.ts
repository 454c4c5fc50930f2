import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import pg from 'pg'
import { describe, inject, type TestOptions } from 'vitest'

import { openDatabase, type Database } from '../../src/db/database.js'
import type { DialectName } from '../../src/db/dialect.js'
import { migrate } from '../../src/db/migrate.js'

/** A fresh, migrated database of one dialect, and how to remove it again. */
export interface TestDatabase {
  database: Database
  url: string
  dialect: DialectName
  cleanup(): Promise<void>
}

let counter = 0

/** The PostgreSQL URL for tests, or null when the suites must be skipped. */
export function postgresUrl(): string | null {
  const url = inject('pgUrl')
  if (url === null && process.env.ALIMS_REQUIRE_PG === '1') {
    throw new Error(`PostgreSQL is required (ALIMS_REQUIRE_PG=1): ${inject('pgSkipReason') ?? ''}`)
  }

  return url
}

/** Creates an empty database: a temp SQLite file, or a new schema in the PostgreSQL test database. */
export async function createTestDatabase(
  dialect: DialectName,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'alims-db-'))
    const url = `sqlite:${join(dir, 'alims.db')}`
    const database = openDatabase(url)
    if (options.migrate !== false) await migrate(database)

    return {
      database,
      url,
      dialect,
      async cleanup() {
        await database.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }

  const base = postgresUrl()
  if (base === null) throw new Error('PostgreSQL is not available for tests')

  counter += 1
  const schema = `t_${process.pid}_${Date.now()}_${counter}`
  const admin = new pg.Client({ connectionString: base })
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  await admin.end()
  const url = new URL(base)
  url.searchParams.set('options', `-c search_path=${schema}`)
  const database = openDatabase(url.toString(), { poolSize: 5 })
  if (options.migrate !== false) await migrate(database)

  return {
    database,
    url: url.toString(),
    dialect,
    async cleanup() {
      await database.close()
      const client = new pg.Client({ connectionString: base })
      await client.connect()
      await client.query(`drop schema if exists ${schema} cascade`)
      await client.end()
    },
  }
}

/**
 * Runs a suite once per dialect: `describe('sqlite', …)` and `describe('postgres', …)`.
 * The PostgreSQL run is skipped without a server, and fails instead under ALIMS_REQUIRE_PG=1.
 * `options` (e.g. a longer timeout for every test) apply to both runs.
 */
export function describeEachDialect(
  name: string,
  suite: (dialect: DialectName) => void,
  options: TestOptions = {},
): void {
  describe(name, options, () => {
    describe('sqlite', () => {
      suite('sqlite')
    })
    const skip = inject('pgUrl') === null && process.env.ALIMS_REQUIRE_PG !== '1'
    describe.skipIf(skip)('postgres', () => {
      suite('postgres')
    })
  })
}
