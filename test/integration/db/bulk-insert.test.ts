import { sql } from 'kysely'
import { afterEach, beforeEach, expect, it } from 'vitest'

import { bulkInsert, type BulkStatement } from '../../../src/db/bulk-insert.js'
import { valuesList } from '../../../src/db/dialect.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

const ADD: BulkStatement = {
  head: 'insert into bulk_probe (k, label, n) values',
  tail: 'on conflict (k) do update set n = bulk_probe.n + excluded.n',
  width: 3,
  rowsPerStatement: 1_000,
}

it('numbers PostgreSQL placeholders across rows and leaves SQLite`s anonymous', () => {
  expect(valuesList('postgres', 2, 3)).toBe('($1, $2, $3), ($4, $5, $6)')
  expect(valuesList('sqlite', 2, 2)).toBe('(?, ?), (?, ?)')
})

describeEachDialect('bulk insert', (dialect) => {
  let test: TestDatabase

  beforeEach(async () => {
    test = await createTestDatabase(dialect)
    await sql`create table bulk_probe (k integer primary key, label text not null, n integer not null)`.execute(
      test.database.db,
    )
  })

  afterEach(async () => {
    await test.cleanup()
  })

  async function rows(): Promise<{ k: number; label: string; n: number }[]> {
    const { rows } = await sql<{ k: number; label: string; n: number }>`
      select k, label, n from bulk_probe order by k`.execute(test.database.db)

    return rows
  }

  it('inserts rows over several statements, values bound as parameters, and upserts', async () => {
    const params: unknown[] = []
    for (let k = 0; k < 2_500; k++)
      params.push(k, k === 7 ? `'); drop table bulk_probe; --` : `r${k}`, 1)
    await bulkInsert(test.database.db, dialect, ADD, params)
    await bulkInsert(test.database.db, dialect, ADD, [7, 'ignored', 5, 2_499, 'ignored', 2])

    const stored = await rows()
    expect(stored).toHaveLength(2_500)
    expect(stored[0]).toEqual({ k: 0, label: 'r0', n: 1 })
    expect(stored[7]).toEqual({ k: 7, label: `'); drop table bulk_probe; --`, n: 6 })
    expect(stored[1_000]).toEqual({ k: 1_000, label: 'r1000', n: 1 })
    expect(stored[2_499]).toEqual({ k: 2_499, label: 'r2499', n: 3 })
  })

  it('writes nothing for no rows and refuses parameters that do not fill whole rows', async () => {
    await bulkInsert(test.database.db, dialect, ADD, [])
    await expect(bulkInsert(test.database.db, dialect, ADD, [1, 'a'])).rejects.toThrow(
      /2 parameters do not fill rows of 3/,
    )
    expect(await rows()).toEqual([])
  })
})
