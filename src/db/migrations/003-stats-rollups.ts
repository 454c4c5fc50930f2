import { sql, type Kysely } from 'kysely'

import type { DialectName } from '../dialect.js'

/*
 * Rollups for the dashboard, kept by triggers: occurrences per minute and per hour, severity
 * and service (from incident_minutes), and incidents per severity and status. Reading them costs a few
 * thousand rows instead of a join over every occurrence minute in the window.
 */
/** The two rollups: per minute (for windows up to six hours) and per hour (longer ones). */
const ROLLUPS = [
  { table: 'incident_stats_minutes', column: 'minute', size: 60_000 },
  { table: 'incident_stats_hours', column: 'hour', size: 3_600_000 },
] as const
const UPSERT_COUNTS = `on conflict (severity, status) do update set n = incident_status_counts.n + excluded.n`

function addMinute(minute: string, id: string, count: string): string {
  return ROLLUPS.map(
    (r) =>
      `insert into ${r.table} (${r.column}, severity, service, count) select ${minute} - ${minute} % ${r.size}, i.severity, i.service, ${count} from incidents i where i.id = ${id} on conflict (${r.column}, severity, service) do update set count = ${r.table}.count + excluded.count;`,
  ).join(' ')
}

function moveIncident(id: string, severity: string, service: string, sign: string): string {
  return ROLLUPS.map(
    (r) =>
      `insert into ${r.table} (${r.column}, severity, service, count) select m.minute - m.minute % ${r.size}, ${severity}, ${service}, ${sign} sum(m.count) from incident_minutes m where m.incident_id = ${id} group by m.minute - m.minute % ${r.size} on conflict (${r.column}, severity, service) do update set count = ${r.table}.count + excluded.count;`,
  ).join(' ')
}

function countIncident(severity: string, status: string, n: number): string {
  return `insert into incident_status_counts (severity, status, n) values (${severity}, ${status}, ${n}) ${UPSERT_COUNTS};`
}

const CHANGED_COUNT = `old.severity is not new.severity or old.status is not new.status`
const CHANGED_GROUP = `old.severity is not new.severity or old.service is not new.service`

const STATEMENTS_SQLITE = [
  `create trigger incident_stats_minute_insert after insert on incident_minutes begin ${addMinute('new.minute', 'new.incident_id', 'new.count')} end`,
  `create trigger incident_stats_minute_update after update of minute, count, incident_id on incident_minutes begin ${addMinute('old.minute', 'old.incident_id', '-old.count')} ${addMinute('new.minute', 'new.incident_id', 'new.count')} end`,
  `create trigger incident_stats_minute_delete after delete on incident_minutes begin ${addMinute('old.minute', 'old.incident_id', '-old.count')} end`,
  `create trigger incident_stats_incident_insert after insert on incidents begin ${countIncident('new.severity', 'new.status', 1)} end`,
  `create trigger incident_stats_incident_update after update of severity, status on incidents when ${CHANGED_COUNT} begin ${countIncident('old.severity', 'old.status', -1)} ${countIncident('new.severity', 'new.status', 1)} end`,
  `create trigger incident_stats_incident_move after update of severity, service on incidents when ${CHANGED_GROUP} begin ${moveIncident('new.id', 'old.severity', 'old.service', '-')} ${moveIncident('new.id', 'new.severity', 'new.service', '')} end`,
  // Before the delete: the cascade removes the minutes, and their trigger no longer finds the incident.
  `create trigger incident_stats_incident_delete before delete on incidents begin ${countIncident('old.severity', 'old.status', -1)} ${moveIncident('old.id', 'old.severity', 'old.service', '-')} end`,
]
const SQLITE_TRIGGERS = STATEMENTS_SQLITE.map((s) => s.split(' ')[2] as string)

const PG_CHANGED_COUNT = CHANGED_COUNT.replaceAll(' is not ', ' is distinct from ')
const PG_CHANGED_GROUP = CHANGED_GROUP.replaceAll(' is not ', ' is distinct from ')
const POSTGRES_FUNCTIONS = [
  `create or replace function alims_stats_minute() returns trigger language plpgsql set search_path from current as $$ begin if tg_op <> 'INSERT' then ${addMinute('old.minute', 'old.incident_id', '-old.count')} end if; if tg_op <> 'DELETE' then ${addMinute('new.minute', 'new.incident_id', 'new.count')} end if; return null; end $$`,
  `create or replace function alims_stats_incident() returns trigger language plpgsql set search_path from current as $$ begin if tg_op = 'INSERT' then ${countIncident('new.severity', 'new.status', 1)} return null; end if; if tg_op = 'DELETE' then ${countIncident('old.severity', 'old.status', -1)} ${moveIncident('old.id', 'old.severity', 'old.service', '-')} return old; end if; if ${PG_CHANGED_COUNT} then ${countIncident('old.severity', 'old.status', -1)} ${countIncident('new.severity', 'new.status', 1)} end if; if ${PG_CHANGED_GROUP} then ${moveIncident('new.id', 'old.severity', 'old.service', '-')} ${moveIncident('new.id', 'new.severity', 'new.service', '')} end if; return null; end $$`,
  `create trigger incident_stats_minute after insert or update of minute, count, incident_id or delete on incident_minutes for each row execute function alims_stats_minute()`,
  `create trigger incident_stats_incident_insert after insert on incidents for each row execute function alims_stats_incident()`,
  `create trigger incident_stats_incident_update after update of severity, status, service on incidents for each row execute function alims_stats_incident()`,
  `create trigger incident_stats_incident_delete before delete on incidents for each row execute function alims_stats_incident()`,
]

/** Creates the rollup tables (empty). */
export async function createStatsTables(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint'
  for (const r of ROLLUPS) {
    await sql
      .raw(
        `create table ${r.table} (${r.column} ${big} not null, severity text not null, service text not null, count ${big} not null, primary key (${r.column}, severity, service))`,
      )
      .execute(db)
  }
  await sql
    .raw(
      `create table incident_status_counts (severity text not null, status text not null, n ${big} not null, primary key (severity, status))`,
    )
    .execute(db)
}

export async function createStatsTriggers(
  db: Kysely<unknown>,
  dialect: DialectName,
): Promise<void> {
  const statements = dialect === 'sqlite' ? STATEMENTS_SQLITE : POSTGRES_FUNCTIONS
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

/** Recomputes both rollups from incidents and incident_minutes. */
export async function rebuildStats(db: Kysely<unknown>): Promise<void> {
  await sql`delete from incident_status_counts`.execute(db)
  for (const r of ROLLUPS) {
    await sql.raw(`delete from ${r.table}`).execute(db)
    await sql
      .raw(
        `insert into ${r.table} (${r.column}, severity, service, count) select m.minute - m.minute % ${r.size}, i.severity, i.service, sum(m.count) from incident_minutes m join incidents i on i.id = m.incident_id group by m.minute - m.minute % ${r.size}, i.severity, i.service`,
      )
      .execute(db)
  }
  await sql`insert into incident_status_counts (severity, status, n) select severity, status, count(*) from incidents group by severity, status`.execute(
    db,
  )
}
