import { sql } from 'kysely'

import type { Tx } from '../db/database.js'
import type { DialectName } from '../db/dialect.js'

/** What happened to an incident, as live updates and the ticket outbox see it. */
export type ChangeKind = 'created' | 'updated' | 'regressed' | 'status'

/** The PostgreSQL channel that carries change sequence numbers to every web process. */
export const CHANGE_CHANNEL = 'alims_changes'

/**
 * Records a change in the `changes` sequence, inside the caller's transaction. On PostgreSQL
 * it also notifies listeners; the notification is delivered only if the transaction commits.
 */
export async function recordChange(
  tx: Tx,
  dialect: DialectName,
  change: { kind: ChangeKind; incidentId: number; at: number },
): Promise<void> {
  const row = await tx
    .insertInto('changes')
    .values({ kind: change.kind, incident_id: change.incidentId, at: change.at })
    .returning('seq')
    .executeTakeFirstOrThrow()
  if (dialect === 'postgres') {
    await sql`select pg_notify(${CHANGE_CHANNEL}, ${String(row.seq)})`.execute(tx)
  }
}
