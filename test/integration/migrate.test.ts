import { afterEach, expect, it } from 'vitest'

import { listTables } from '../../src/db/dialect.js'
import { migrate } from '../../src/db/migrate.js'
import { createTestDatabase, describeEachDialect, type TestDatabase } from '../helpers/databases.js'

describeEachDialect('migrations', (dialect) => {
  let test: TestDatabase | undefined

  afterEach(async () => {
    await test?.cleanup()
    test = undefined
  })

  it('creates the core tables', async () => {
    test = await createTestDatabase(dialect, { migrate: false })
    const report = await migrate(test.database)

    expect(report.applied).toContain('001-initial')
    const tables = await listTables(test.database.db, dialect)
    for (const table of ['incidents', 'alerts', 'alert_history', 'accounts', 'processed_logs']) {
      expect(tables).toContain(table)
    }
    for (const table of ['sessions', 'api_tokens', 'audit_log', 'ticket_outbox']) {
      expect(tables).toContain(table)
    }
  })

  it('applies nothing the second time', async () => {
    test = await createTestDatabase(dialect)

    expect((await migrate(test.database)).applied).toEqual([])
  })

  it('runs concurrent migrations without corrupting the schema', async () => {
    test = await createTestDatabase(dialect, { migrate: false })
    const results = await Promise.allSettled([migrate(test.database), migrate(test.database)])

    expect(results.every((r) => r.status === 'fulfilled')).toBe(true)
    const tables = await listTables(test.database.db, dialect)
    expect(tables).toContain('incidents')
  })

  it('reads epoch milliseconds back as numbers', async () => {
    test = await createTestDatabase(dialect)
    const at = Date.UTC(2026, 0, 1, 11, 0, 0)
    await test.database.db
      .insertInto('audit_log')
      .values({
        at,
        action: 'test',
        actor_id: null,
        actor_name: null,
        target_type: null,
        target_id: null,
        ip: null,
        details: null,
      })
      .execute()
    const row = await test.database.db.selectFrom('audit_log').selectAll().executeTakeFirstOrThrow()

    expect(row.at).toBe(at)
    expect(typeof row.id).toBe('number')
  })
})
