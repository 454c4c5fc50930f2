import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely'

/** Which database a connection talks to. Everything that differs between them lives in this file. */
export type DialectName = 'sqlite' | 'postgres'

/** Adds an auto-incrementing integer primary key named `name`. */
export function addIdColumn<T extends string>(
  table: CreateTableBuilder<T>,
  dialect: DialectName,
  name = 'id',
): CreateTableBuilder<T> {
  return dialect === 'sqlite'
    ? table.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement())
    : table.addColumn(name, 'bigserial', (c) => c.primaryKey())
}

/** The column type for epoch milliseconds and other counters that outgrow 32 bits. */
export function bigint(dialect: DialectName): 'integer' | 'bigint' {
  return dialect === 'sqlite' ? 'integer' : 'bigint'
}

/** A text column that holds arbitrary length text. */
export function textType(): 'text' {
  return 'text'
}

/** Default for a flag column. */
export function flagDefault(c: ColumnDefinitionBuilder, value: 0 | 1): ColumnDefinitionBuilder {
  return c.notNull().defaultTo(value)
}

/**
 * Case-insensitive substring match. Wildcards in `needle` are escaped, so user text
 * never becomes a pattern; the caller binds the returned value as a parameter.
 */
export function likePattern(needle: string): string {
  return `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/** Lists user tables, for tests and health checks. */
export async function listTables<S>(db: Kysely<S>, dialect: DialectName): Promise<string[]> {
  const query =
    dialect === 'sqlite'
      ? sql<{
          name: string
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`
      : sql<{
          name: string
        }>`select table_name as name from information_schema.tables where table_schema = current_schema() order by table_name`
  const result = await query.execute(db)

  return result.rows.map((row) => row.name)
}

/**
 * The placeholders of a VALUES list of `rows` rows of `width` parameters each:
 * `(?, ?), (?, ?)` on SQLite, `($1, $2), ($3, $4)` on PostgreSQL.
 */
export function valuesList(dialect: DialectName, rows: number, width: number): string {
  const tuples: string[] = []
  let n = 0
  for (let row = 0; row < rows; row++) {
    const marks: string[] = []
    for (let column = 0; column < width; column++) {
      n += 1
      marks.push(dialect === 'sqlite' ? '?' : `$${n}`)
    }
    tuples.push(`(${marks.join(', ')})`)
  }

  return tuples.join(', ')
}
