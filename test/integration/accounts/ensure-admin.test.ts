import { afterEach, beforeEach, expect, it } from 'vitest'

import { createAccountServices } from '../../../src/accounts/index.js'
import { openDatabase, type Database } from '../../../src/db/database.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

describeEachDialect('first admin', (dialect) => {
  let test: TestDatabase
  const extra: Database[] = []

  beforeEach(async () => {
    test = await createTestDatabase(dialect)
  })

  afterEach(async () => {
    for (const database of extra.splice(0)) await database.close()
    await test.cleanup()
  })

  it('is created once when several processes start at the same time', async () => {
    // Separate connections stand in for separate web processes.
    const databases = [test.database, openDatabase(test.url), openDatabase(test.url)]
    extra.push(...databases.slice(1))
    const results = await Promise.all(
      databases.map((database) => createAccountServices(database).ensureAdmin(null)),
    )

    const created = results.filter((r) => r.created)
    expect(created).toHaveLength(1)
    expect(created[0]!.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/)
    expect(results.filter((r) => r.generatedPassword !== null)).toHaveLength(1)
    const accounts = createAccountServices(test.database)
    const login = await accounts.login.login('admin', created[0]!.generatedPassword!, {
      ip: '127.0.0.1',
    })
    expect(login.account.role).toBe('admin')
    expect(await accounts.audit.list({ action: 'user.created' })).toHaveLength(1)
  })

  it('uses the configured password and reports none', async () => {
    const accounts = createAccountServices(test.database)
    const result = await accounts.ensureAdmin('configured admin pw')

    expect(result).toEqual({ created: true, generatedPassword: null })
    await accounts.login.login('admin', 'configured admin pw', { ip: '127.0.0.1' })
    expect(await accounts.ensureAdmin('configured admin pw')).toEqual({
      created: false,
      generatedPassword: null,
    })
  })

  it('refuses a configured password that is too short, naming the variable', async () => {
    await expect(createAccountServices(test.database).ensureAdmin('short')).rejects.toThrow(
      'ALIMS_ADMIN_PASSWORD must be at least 8 characters long',
    )
  })
})
