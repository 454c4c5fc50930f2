import { sql, type Kysely } from 'kysely'

import type { DialectName } from '../dialect.js'

/*
 * Rollups for the dashboard, kept by triggers: occurrences per time bucket, severity and (for
 * most) service, from incident_minutes; and incidents per severity and status. Reading them costs
 * a few thousand rows instead of a join over every occurrence minute in the window.
 */
/** A rollup of incident_minutes: `column` holds the bucket start, a multiple of `size` ms. */
export interface Rollup {
  table: string
  column: string
  size: number
  /** False for rollups kept per severity only (the dashboard's series). */
  byService: boolean
}

/** The rollups of migration 003: per minute (windows up to six hours) and per hour (longer). */
export const ROLLUPS_003: readonly Rollup[] = [
  { table: 'incident_stats_minutes', column: 'minute', size: 60_000, byService: true },
  { table: 'incident_stats_hours', column: 'hour', size: 3_600_000, byService: true },
]
const UPSERT_COUNTS = `on conflict (severity, status) do update set n = incident_status_counts.n + excluded.n`

function keyColumns(r: Rollup): string {
  return r.byService ? `${r.column}, severity, service` : `${r.column}, severity`
}

function upsert(r: Rollup): string {
  return `on conflict (${keyColumns(r)}) do update set count = ${r.table}.count + excluded.count;`
}

function addMinute(rollups: readonly Rollup[], minute: string, id: string, count: string): string {
  return rollups
    .map(
      (r) =>
        `insert into ${r.table} (${keyColumns(r)}, count) select ${minute} - ${minute} % ${r.size}, i.severity, ${r.byService ? 'i.service, ' : ''}${count} from incidents i where i.id = ${id} ${upsert(r)}`,
    )
    .join(' ')
}

function moveIncident(
  rollups: readonly Rollup[],
  id: string,
  severity: string,
  service: string,
  sign: string,
): string {
  return rollups
    .map(
      (r) =>
        `insert into ${r.table} (${keyColumns(r)}, count) select m.minute - m.minute % ${r.size}, ${severity}, ${r.byService ? `${service}, ` : ''}${sign} sum(m.count) from incident_minutes m where m.incident_id = ${id} group by m.minute - m.minute % ${r.size} ${upsert(r)}`,
    )
    .join(' ')
}

function countIncident(severity: string, status: string, n: number): string {
  return `insert into incident_status_counts (severity, status, n) values (${severity}, ${status}, ${n}) ${UPSERT_COUNTS};`
}

const CHANGED_COUNT = `old.severity is not new.severity or old.status is not new.status`
const CHANGED_GROUP = `old.severity is not new.severity or old.service is not new.service`

/** The statements that keep `rollups` current as minutes and incidents change. */
function writers(rollups: readonly Rollup[]) {
  return {
    add: (minute: string, id: string, count: string): string =>
      addMinute(rollups, minute, id, count),
    move: (id: string, severity: string, service: string, sign: string): string =>
      moveIncident(rollups, id, severity, service, sign),
  }
}

/**
 * Since migration 008 a writer may keep the rollups of the occurrence minutes it inserts and
 * updates itself, summed per batch instead of four upserts per row: it marks its transaction,
 * and the minute triggers skip those rows. On SQLite the mark is a row in `stats_writer` that
 * the writer deletes again before it commits (writers are serialised, so no other connection
 * ever sees it); on PostgreSQL the transaction-local setting `alims.stats_writer` = 'on'.
 * Deleted minutes are always counted by the trigger.
 */
export interface StatsTriggerOptions {
  writerMark: boolean
}

function sqliteStatements(rollups: readonly Rollup[], options: StatsTriggerOptions): string[] {
  const { add, move } = writers(rollups)
  const unmarked = options.writerMark ? 'when not exists (select 1 from stats_writer) ' : ''

  return [
    `create trigger incident_stats_minute_insert after insert on incident_minutes ${unmarked}begin ${add('new.minute', 'new.incident_id', 'new.count')} end`,
    `create trigger incident_stats_minute_update after update of minute, count, incident_id on incident_minutes ${unmarked}begin ${add('old.minute', 'old.incident_id', '-old.count')} ${add('new.minute', 'new.incident_id', 'new.count')} end`,
    `create trigger incident_stats_minute_delete after delete on incident_minutes begin ${add('old.minute', 'old.incident_id', '-old.count')} end`,
    `create trigger incident_stats_incident_insert after insert on incidents begin ${countIncident('new.severity', 'new.status', 1)} end`,
    `create trigger incident_stats_incident_update after update of severity, status on incidents when ${CHANGED_COUNT} begin ${countIncident('old.severity', 'old.status', -1)} ${countIncident('new.severity', 'new.status', 1)} end`,
    `create trigger incident_stats_incident_move after update of severity, service on incidents when ${CHANGED_GROUP} begin ${move('new.id', 'old.severity', 'old.service', '-')} ${move('new.id', 'new.severity', 'new.service', '')} end`,
    // Before the delete: the cascade removes the minutes, and their trigger no longer finds the incident.
    `create trigger incident_stats_incident_delete before delete on incidents begin ${countIncident('old.severity', 'old.status', -1)} ${move('old.id', 'old.severity', 'old.service', '-')} end`,
  ]
}
const SQLITE_TRIGGERS = sqliteStatements([], { writerMark: false }).map(
  (s) => s.split(' ')[2] as string,
)

const PG_CHANGED_COUNT = CHANGED_COUNT.replaceAll(' is not ', ' is distinct from ')
const PG_CHANGED_GROUP = CHANGED_GROUP.replaceAll(' is not ', ' is distinct from ')

function postgresStatements(rollups: readonly Rollup[], options: StatsTriggerOptions): string[] {
  const { add, move } = writers(rollups)
  const unmarked = options.writerMark
    ? `if tg_op <> 'DELETE' and current_setting('alims.stats_writer', true) = 'on' then return null; end if; `
    : ''

  return [
    `create or replace function alims_stats_minute() returns trigger language plpgsql set search_path from current as $$ begin ${unmarked}if tg_op <> 'INSERT' then ${add('old.minute', 'old.incident_id', '-old.count')} end if; if tg_op <> 'DELETE' then ${add('new.minute', 'new.incident_id', 'new.count')} end if; return null; end $$`,
    `create or replace function alims_stats_incident() returns trigger language plpgsql set search_path from current as $$ begin if tg_op = 'INSERT' then ${countIncident('new.severity', 'new.status', 1)} return null; end if; if tg_op = 'DELETE' then ${countIncident('old.severity', 'old.status', -1)} ${move('old.id', 'old.severity', 'old.service', '-')} return old; end if; if ${PG_CHANGED_COUNT} then ${countIncident('old.severity', 'old.status', -1)} ${countIncident('new.severity', 'new.status', 1)} end if; if ${PG_CHANGED_GROUP} then ${move('new.id', 'old.severity', 'old.service', '-')} ${move('new.id', 'new.severity', 'new.service', '')} end if; return null; end $$`,
    `create trigger incident_stats_minute after insert or update of minute, count, incident_id or delete on incident_minutes for each row execute function alims_stats_minute()`,
    `create trigger incident_stats_incident_insert after insert on incidents for each row execute function alims_stats_incident()`,
    `create trigger incident_stats_incident_update after update of severity, status, service on incidents for each row execute function alims_stats_incident()`,
    `create trigger incident_stats_incident_delete before delete on incidents for each row execute function alims_stats_incident()`,
  ]
}

/** Creates one rollup table (empty). */
export async function createRollupTable(
  db: Kysely<unknown>,
  dialect: DialectName,
  r: Rollup,
): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint'
  const service = r.byService ? 'service text not null, ' : ''
  await sql
    .raw(
      `create table ${r.table} (${r.column} ${big} not null, severity text not null, ${service}count ${big} not null, primary key (${keyColumns(r)}))`,
    )
    .execute(db)
}

/** Creates the rollup tables of migration 003 and the status counts (empty). */
export async function createStatsTables(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  for (const r of ROLLUPS_003) await createRollupTable(db, dialect, r)
  const big = dialect === 'sqlite' ? 'integer' : 'bigint'
  await sql
    .raw(
      `create table incident_status_counts (severity text not null, status text not null, n ${big} not null, primary key (severity, status))`,
    )
    .execute(db)
}

/** Creates the triggers that keep `rollups` and the status counts (the same names whatever the list). */
export async function createStatsTriggers(
  db: Kysely<unknown>,
  dialect: DialectName,
  rollups: readonly Rollup[],
  options: StatsTriggerOptions = { writerMark: false },
): Promise<void> {
  const statements =
    dialect === 'sqlite' ? sqliteStatements(rollups, options) : postgresStatements(rollups, options)
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function dropStatsTriggers(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect === 'sqlite') {
    for (const name of SQLITE_TRIGGERS) await sql.raw(`drop trigger if exists ${name}`).execute(db)

    return
  }
  await sql.raw('drop trigger if exists incident_stats_minute on incident_minutes').execute(db)
  for (const name of ['insert', 'update', 'delete']) {
    await sql.raw(`drop trigger if exists incident_stats_incident_${name} on incidents`).execute(db)
  }
}

/**
 * Recomputes `rollups` and the status counts from incidents and incident_minutes. A rollup whose
 * buckets are whole buckets of one rebuilt before it (with at least its columns) is summed from
 * that one, which is far smaller than the occurrence minutes joined to incidents.
 */
export async function rebuildStats(db: Kysely<unknown>, rollups: readonly Rollup[]): Promise<void> {
  await sql`delete from incident_status_counts`.execute(db)
  const done: Rollup[] = []
  for (const r of rollups) {
    const service = r.byService ? ', i.service' : ''
    const finer = done.filter((d) => r.size % d.size === 0 && (d.byService || !r.byService)).at(-1)
    const from =
      finer === undefined
        ? 'incident_minutes m join incidents i on i.id = m.incident_id'
        : `(select ${finer.column} as minute, severity, ${finer.byService ? 'service, ' : ''}count from ${finer.table}) m`
    const columns =
      finer === undefined ? `i.severity${service}` : `m.severity${r.byService ? ', m.service' : ''}`
    await sql.raw(`delete from ${r.table}`).execute(db)
    await sql
      .raw(
        `insert into ${r.table} (${keyColumns(r)}, count) select m.minute - m.minute % ${r.size}, ${columns}, sum(m.count) from ${from} group by m.minute - m.minute % ${r.size}, ${columns}`,
      )
      .execute(db)
    done.push(r)
  }
  await sql`insert into incident_status_counts (severity, status, n) select severity, status, count(*) from incidents group by severity, status`.execute(
    db,
  )
}
