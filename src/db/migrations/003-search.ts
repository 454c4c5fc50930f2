import { sql, type Kysely, type QueryExecutorProvider } from 'kysely'

import type { DialectName } from '../dialect.js'
import type { DialectMigration } from './migration.js'
import {
  ROLLUPS_003,
  createStatsTables,
  createStatsTriggers,
  dropStatsTriggers,
  rebuildStats,
} from './003-stats-rollups.js'
import { ROLLUPS } from './007-coarse-rollups.js'

/*
 * The search document of an incident: title, message, template and the raw text of its three
 * newest stored samples, each cut to a bounded length, joined by U+001F (which a query can never
 * contain, so no match spans two parts) and with ASCII letters lower-cased. Both dialects build
 * the same text; docs/decisions/003-search-language.md explains the choice.
 */
const PARTS = `substr(i.title, 1, 1000) || SEP || substr(i.message, 1, 4000) || SEP || substr(i.template, 1, 4000) || coalesce((select SEP || AGG(s.t, SEP) from (select substr(e.raw, 1, 500) as t from incident_events e where e.incident_id = i.id order by e.id desc limit 3) s), '')`

function sqliteDocument(): string {
  return `lower(${PARTS.replaceAll('SEP', 'char(31)').replaceAll('AGG', 'group_concat')})`
}

function postgresDocument(): string {
  const parts = PARTS.replaceAll('SEP', 'chr(31)').replaceAll('AGG', 'string_agg')

  return `translate(${parts}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`
}

const SQLITE_TRIGGERS = [
  'incident_search_insert',
  'incident_search_update',
  'incident_search_delete',
]

/**
 * Rebuilds the search documents of incidents whose samples changed. Sample rows are not
 * watched by triggers: the store writes and trims many per batch, and one refresh per incident
 * after them costs one statement instead of one per row.
 */
export async function refreshSearchDocuments(
  db: QueryExecutorProvider,
  dialect: DialectName,
  ids: readonly number[],
): Promise<void> {
  if (ids.length === 0) return

  const list = sql.join(ids.map((id) => sql`${id}`))
  if (dialect === 'postgres') {
    await sql`select alims_search_refresh(id) from unnest(array[${list}]::bigint[]) as id`.execute(
      db,
    )

    return
  }

  await sql`delete from incident_fts where rowid in (${list})`.execute(db)
  await sql`insert into incident_fts (rowid, doc) select i.id, ${sql.raw(sqliteDocument())} from incidents i where i.id in (${list})`.execute(
    db,
  )
}

function sqliteRefresh(id: string): string {
  return `delete from incident_fts where rowid = ${id}; insert into incident_fts (rowid, doc) select i.id, ${sqliteDocument()} from incidents i where i.id = ${id};`
}

async function createSqliteTriggers(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create trigger incident_search_insert after insert on incidents begin ${sqliteRefresh('new.id')} end`,
    `create trigger incident_search_update after update of title, message, template on incidents begin ${sqliteRefresh('new.id')} end`,
    `create trigger incident_search_delete after delete on incidents begin delete from incident_fts where rowid = old.id; end`,
  ]
  for (const statement of statements) await sql.raw(statement).execute(db)
}

/** The schema that holds pg_trgm, installing it when allowed; null when it is unavailable. */
async function trigramSchema(db: Kysely<unknown>): Promise<string | null> {
  for (const create of [
    'create extension if not exists pg_trgm with schema public',
    'create extension if not exists pg_trgm',
  ]) {
    await sql`savepoint alims_trgm`.execute(db)
    try {
      await sql.raw(create).execute(db)
      await sql`release savepoint alims_trgm`.execute(db)
      break
    } catch {
      // Not allowed (no privilege, no public schema) or created concurrently: look it up below.
      await sql`rollback to savepoint alims_trgm`.execute(db)
    }
  }
  const found = await sql<{
    schema: string
  }>`select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(
    db,
  )

  return found.rows[0]?.schema ?? null
}

async function createPostgresTriggers(db: Kysely<unknown>): Promise<void> {
  // Tags are JSON text; a damaged value reads as no tags instead of failing the whole search.
  await sql
    .raw(
      `create or replace function alims_json_array(doc text) returns jsonb language plpgsql immutable as $$ declare v jsonb; begin v := doc::jsonb; if jsonb_typeof(v) = 'array' then return v; end if; return '[]'::jsonb; exception when others then return '[]'::jsonb; end $$`,
    )
    .execute(db)
  await sql
    .raw(
      `create or replace function alims_search_refresh(p_id bigint) returns void language sql set search_path from current as $$ insert into incident_search (incident_id, doc) select i.id, ${postgresDocument()} from incidents i where i.id = p_id on conflict (incident_id) do update set doc = excluded.doc $$`,
    )
    .execute(db)
  await sql
    .raw(
      `create or replace function alims_search_incident() returns trigger language plpgsql set search_path from current as $$ begin perform alims_search_refresh(new.id); return null; end $$`,
    )
    .execute(db)
  await sql
    .raw(
      `create trigger incident_search_incident after insert or update of title, message, template on incidents for each row execute function alims_search_incident()`,
    )
    .execute(db)
}

async function createDocumentTriggers(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await (dialect === 'sqlite' ? createSqliteTriggers(db) : createPostgresTriggers(db))
}

/*
 * The three exported helpers below serve bulk loads (benchmarks) and act on the newest schema:
 * the search documents and every rollup and trigger up to migration 008. Migration 003 uses its
 * own rollups.
 */

/** Removes the triggers that keep the search index in sync (bulk loads rebuild it afterwards). */
export async function dropSearchTriggers(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await dropStatsTriggers(db, dialect)
  if (dialect === 'sqlite') {
    for (const name of SQLITE_TRIGGERS) await sql.raw(`drop trigger if exists ${name}`).execute(db)

    return
  }
  await sql.raw('drop trigger if exists incident_search_incident on incidents').execute(db)
  await sql.raw('drop trigger if exists incident_search_event on incident_events').execute(db)
}

/** Creates the triggers that keep the search index and the rollups in sync. */
export async function createSearchTriggers(
  db: Kysely<unknown>,
  dialect: DialectName,
): Promise<void> {
  await createDocumentTriggers(db, dialect)
  await createStatsTriggers(db, dialect, ROLLUPS, { writerMark: true })
}

async function rebuildDocuments(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect === 'sqlite') {
    await sql`delete from incident_fts`.execute(db)
    await sql
      .raw(
        `insert into incident_fts (rowid, doc) select i.id, ${sqliteDocument()} from incidents i`,
      )
      .execute(db)

    return
  }
  // Fresh statistics, so that the per-incident sample lookup below uses its index.
  await sql`analyze incident_events`.execute(db)
  await sql`truncate incident_search`.execute(db)
  await sql
    .raw(
      `insert into incident_search (incident_id, doc) select i.id, ${postgresDocument()} from incidents i`,
    )
    .execute(db)
}

/** Rebuilds every search document and rollup from the incidents and samples (after a bulk load). */
export async function rebuildSearchIndex(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await rebuildStats(db, ROLLUPS)
  await rebuildDocuments(db, dialect)
}

/**
 * Full-text search: an FTS5 trigram index (SQLite) or a pg_trgm GIN index (PostgreSQL) over each
 * incident's search document, kept in sync by triggers; rollups for the dashboard; sort indexes.
 */
export const search: DialectMigration = {
  async up(db: Kysely<unknown>, dialect) {
    if (dialect === 'sqlite') {
      await sql`create virtual table incident_fts using fts5(doc, tokenize = 'trigram case_sensitive 1', detail = 'none')`.execute(
        db,
      )
    } else {
      await sql`create table incident_search (incident_id bigint primary key references incidents (id) on delete cascade, doc text not null)`.execute(
        db,
      )
      const schema = await trigramSchema(db)
      if (schema !== null) {
        await sql`create index incident_search_trgm on incident_search using gin (doc ${sql.id(schema, 'gin_trgm_ops')})`.execute(
          db,
        )
      }
    }
    await createStatsTables(db, dialect)
    await rebuildStats(db, ROLLUPS_003)
    await rebuildDocuments(db, dialect)
    await createDocumentTriggers(db, dialect)
    await createStatsTriggers(db, dialect, ROLLUPS_003)

    await db.schema
      .createIndex('incidents_first_seen')
      .on('incidents')
      .columns(['first_seen_at', 'id'])
      .execute()
    await db.schema
      .createIndex('incidents_count')
      .on('incidents')
      .columns(['count', 'id'])
      .execute()
    await db.schema
      .createIndex('incidents_status_activity')
      .on('incidents')
      .columns(['status', 'activity_at', 'id'])
      .execute()
    await db.schema
      .createIndex('incidents_ticket')
      .on('incidents')
      .columns(['ticket_state', 'activity_at', 'id'])
      .execute()
    // The same expression as the severity sort (src/incidents/search/sort-keys.ts).
    await sql`create index incidents_severity_rank on incidents ((case severity when 'HIGH' then 3 when 'MEDIUM' then 2 else 1 end), activity_at, id)`.execute(
      db,
    )
  },
}
