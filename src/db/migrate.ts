import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely'

import { AppError } from '../errors/app-error.js'

import type { Database } from './database.js'
import { MIGRATIONS } from './migrations/index.js'

export interface MigrationReport {
  applied: string[]
}

/** Brings the schema up to date; safe to run from several processes at once. */
export async function migrate(database: Database): Promise<MigrationReport> {
  const provider: MigrationProvider = {
    getMigrations() {
      const migrations: Record<string, Migration> = {}
      for (const [name, step] of Object.entries(MIGRATIONS)) {
        migrations[name] = { up: (db) => step.up(db, database.dialect) }
      }

      return Promise.resolve(migrations)
    },
  }
  // Kysely looks for its lock table in every schema unless told which one; with several alims
  // schemas in one PostgreSQL database it would find another's table and skip creating its own.
  const schema =
    database.dialect === 'postgres'
      ? (
          await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
            database.db,
          )
        ).rows[0]?.schema
      : undefined
  const migrator = new Migrator({
    db: database.db,
    provider,
    ...(schema === undefined || schema === null ? {} : { migrationTableSchema: schema }),
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  })
  const { error, results = [] } = await migrator.migrateToLatest()
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new AppError(
      'MIGRATION_FAILED',
      `migration ${failed} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      {
        cause: error,
      },
    )
  }

  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) }
}
