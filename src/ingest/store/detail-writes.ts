import type { Insertable } from 'kysely'

import { bulkInsert, type BulkStatement } from '../../db/bulk-insert.js'
import type { Tx } from '../../db/database.js'
import type { DialectName } from '../../db/dialect.js'
import type { IncidentEventsTable, IncidentMinutesTable } from '../../db/schema.js'

// Rows per statement, well below both dialects' parameter limits (10 parameters a row).
const SAMPLES_PER_STATEMENT = 200
const IDS_PER_STATEMENT = 1_000

// A batch of a busy log adds thousands of minute counts.
const ADD_MINUTES: BulkStatement = {
  head: 'insert into incident_minutes (incident_id, minute, count) values',
  tail: `on conflict (incident_id, minute)
    do update set count = incident_minutes.count + excluded.count`,
  width: 3,
  rowsPerStatement: 2_000,
}
function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size))

  return out
}

/**
 * The occurrence minutes and samples of every incident of one transaction, written together
 * after the incident rows: a few multi-row statements instead of several per incident.
 * Samples are inserted in the order they were added, so ids keep the newest last.
 */
export class DetailWrites {
  readonly #minutes: Insertable<IncidentMinutesTable>[] = []
  readonly #samples: Insertable<IncidentEventsTable>[] = []
  readonly #replaceLatest: number[] = []
  readonly #trimLatest: number[] = []

  addMinutes(rows: readonly Insertable<IncidentMinutesTable>[]): void {
    this.#minutes.push(...rows)
  }

  addSamples(rows: readonly Insertable<IncidentEventsTable>[]): void {
    this.#samples.push(...rows)
  }

  /** The incident's stored latest samples are deleted before the new ones are inserted. */
  replaceLatest(incidentId: number): void {
    this.#replaceLatest.push(incidentId)
  }

  /** After the inserts, the incident keeps only its newest latest samples. */
  trimLatest(incidentId: number): void {
    this.#trimLatest.push(incidentId)
  }

  /** Writes everything added; `latestSamples`: how many latest samples a trim keeps. */
  async write(tx: Tx, dialect: DialectName, latestSamples: number): Promise<void> {
    const minutes: number[] = []
    for (const row of this.#minutes) minutes.push(row.incident_id, row.minute, row.count)
    await bulkInsert(tx, dialect, ADD_MINUTES, minutes)
    for (const ids of chunks(this.#replaceLatest, IDS_PER_STATEMENT)) {
      await tx
        .deleteFrom('incident_events')
        .where('incident_id', 'in', ids)
        .where('kind', '=', 'latest')
        .execute()
    }
    for (const rows of chunks(this.#samples, SAMPLES_PER_STATEMENT)) {
      await tx.insertInto('incident_events').values(rows).execute()
    }
    for (const id of this.#trimLatest) await trim(tx, id, latestSamples)
  }
}

async function trim(tx: Tx, incidentId: number, keep: number): Promise<void> {
  const newest = tx
    .selectFrom('incident_events')
    .select('id')
    .where('incident_id', '=', incidentId)
    .where('kind', '=', 'latest')
    .orderBy('id', 'desc')
    .limit(keep)
  await tx
    .deleteFrom('incident_events')
    .where('incident_id', '=', incidentId)
    .where('kind', '=', 'latest')
    .where('id', 'not in', newest)
    .execute()
}
