import type { SmtpConfig } from '../../../src/config/config.js'
import type { Database } from '../../../src/db/database.js'
import { createAlert } from '../../../src/alerts/alert-repository.js'
import type { Alert } from '../../../src/alerts/alert.js'
import { validateAlertDefinition } from '../../../src/alerts/validate-alert.js'
import { createLogger } from '../../../src/observability/logger.js'

/** 2026-01-01T00:00:00Z: every test starts its clock here. */
export const T0 = Date.UTC(2026, 0, 1)
export const MINUTE = 60_000

/** A clock the test moves by hand. */
export class ManualClock {
  now: number

  constructor(start = T0) {
    this.now = start
  }

  readonly read = (): number => this.now

  set(ms: number): void {
    this.now = ms
  }
}

export const silentLogger = createLogger({ level: 'silent' })

/** Plain SMTP to the sink on 127.0.0.1:`port`. */
export function smtpTo(port: number): SmtpConfig {
  return {
    host: '127.0.0.1',
    port,
    user: null,
    password: null,
    from: 'alims@example.com',
    secure: 'none',
  }
}

let sequence = 0

export interface IncidentOptions {
  title?: string
  severity?: 'HIGH' | 'MEDIUM' | 'LOW'
  service?: string
  /** When the store recorded it (created_at and activity_at). */
  at: number
  /** Occurrences, written to the per-minute table at the minute of `at`. */
  count?: number
}

/** Inserts an incident as the store would record it at `at`; returns its id. */
export async function addIncident(database: Database, options: IncidentOptions): Promise<number> {
  sequence += 1
  const count = options.count ?? 1
  const row = await database.db
    .insertInto('incidents')
    .values({
      fingerprint: `alerts-${process.pid}-${sequence}-${options.at}`,
      status: 'open',
      severity: options.severity ?? 'HIGH',
      title: options.title ?? `ERROR payment failed (${sequence})`,
      message: 'payment failed',
      template: 'payment failed',
      service: options.service ?? 'checkout',
      source: '/var/log/checkout.log',
      rule: null,
      tags: '[]',
      first_seen_at: options.at,
      last_seen_at: options.at,
      created_at: options.at,
      activity_at: options.at,
      updated_at: options.at,
      count,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await database.db
    .insertInto('incident_minutes')
    .values({ incident_id: row.id, minute: Math.floor(options.at / MINUTE) * MINUTE, count })
    .execute()

  return row.id
}

/** Records a recurrence of an incident at `at`, as the store would. */
export async function recur(database: Database, id: number, at: number, count = 1): Promise<void> {
  await database.db
    .updateTable('incidents')
    .set((eb) => ({
      activity_at: at,
      last_seen_at: at,
      updated_at: at,
      count: eb('count', '+', count),
    }))
    .where('id', '=', id)
    .execute()
  await database.db
    .insertInto('incident_minutes')
    .values({ incident_id: id, minute: Math.floor(at / MINUTE) * MINUTE, count })
    .onConflict((oc) =>
      oc.columns(['incident_id', 'minute']).doUpdateSet((eb) => ({
        count: eb('incident_minutes.count', '+', eb.ref('excluded.count')),
      })),
    )
    .execute()
}

/** Creates an alert (validated as the API does) at `now`, every minute by default. */
export async function addAlert(
  database: Database,
  now: number,
  fields: Record<string, unknown> = {},
): Promise<Alert> {
  const definition = validateAlertDefinition({
    name: 'Checkout errors',
    query: 'severity:HIGH',
    recipients: ['ops@example.com'],
    schedule: { kind: 'interval', minutes: 1 },
    ...fields,
  })

  return createAlert(database, definition, now)
}
