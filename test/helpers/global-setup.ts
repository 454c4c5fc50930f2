import pg from 'pg'
import type { TestProject } from 'vitest/node'

/**
 * Finds the PostgreSQL server for the database suites. ALIMS_TEST_PG_URL names a database
 * (CI creates a fresh one); otherwise a local server with trust auth gets a throwaway
 * database for this run. No server: the PostgreSQL suites are skipped, unless
 * ALIMS_REQUIRE_PG=1, which turns that into a failure.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null
    pgSkipReason: string | null
  }
}

const LOCAL = 'postgres://postgres@127.0.0.1:5432/postgres'
let created: { admin: string; name: string } | null = null

async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('select 1')

    return null
  } catch (error) {
    return (error as Error).message
  } finally {
    await client.end().catch(() => undefined)
  }
}

export async function setup(project: TestProject): Promise<void> {
  const given = process.env.ALIMS_TEST_PG_URL
  if (given !== undefined && given !== '') {
    const problem = await reachable(given)
    project.provide('pgUrl', problem === null ? given : null)
    project.provide('pgSkipReason', problem)

    return
  }

  const problem = await reachable(LOCAL)
  if (problem !== null) {
    project.provide('pgUrl', null)
    project.provide('pgSkipReason', `no PostgreSQL at 127.0.0.1:5432 (${problem})`)

    return
  }

  const name = `alims_test_${Date.now()}_${process.pid}`
  const admin = new pg.Client({ connectionString: LOCAL })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  created = { admin: LOCAL, name }
  project.provide('pgUrl', LOCAL.replace(/\/postgres$/, `/${name}`))
  project.provide('pgSkipReason', null)
}

export async function teardown(): Promise<void> {
  if (created === null) return

  const admin = new pg.Client({ connectionString: created.admin })
  await admin.connect()
  await admin.query(`drop database if exists ${created.name} with (force)`)
  await admin.end()
}
