import type { Database, Tx } from '../../db/database.js'
import { refreshSearchDocuments } from '../../db/migrations/003-search.js'
import { recordChange } from '../../incidents/changes.js'
import { maxSeverity, type Severity } from '../../incidents/severity.js'
import type { Logger } from '../../observability/logger.js'
import { counter, histogram } from '../../observability/metrics.js'
import type { Batch, BatchSink, Checkpoint } from '../checkpoint.js'
import type { IncidentCandidate, LogEvent } from '../event.js'

import { aggregate, minuteStart, type FingerprintGroup } from './aggregate.js'
import { DetailWrites } from './detail-writes.js'
import { RollupDeltas } from './rollup-deltas.js'
import { SampleBook } from './sample-book.js'

/** Work other modules do inside the store's transaction (the ticket outbox). */
export interface StoreHooks {
  incidentCreated?(
    tx: Tx,
    incident: { id: number; severity: Severity; noTicket: boolean },
    now: number,
  ): Promise<void>
  incidentRecurred?(
    tx: Tx,
    incident: { id: number; severity: Severity; regressed: boolean },
    now: number,
  ): Promise<void>
}

export interface IncidentStoreOptions {
  database: Database
  logger: Logger
  /** Writes checkpoints inside the batch's transaction. */
  saveCheckpoints(tx: Tx, checkpoints: readonly Checkpoint[]): Promise<void>
  hooks?: StoreHooks
  /** Samples kept per incident: the first N events ever and the latest M. */
  firstSamples?: number
  latestSamples?: number
  /** Longest raw text kept in a sample, in characters. */
  maxSampleChars?: number
  clock?: () => number
}

/** Candidates already reduced per fingerprint (see `addCandidate`), with the checkpoints reached. */
export interface GroupedBatch {
  groups: readonly FingerprintGroup[]
  checkpoints: readonly Checkpoint[]
  /** How many candidates the groups hold (for the metrics). */
  events: number
}

/** What one committed batch changed. */
export interface CommitResult {
  created: number[]
  updated: number[]
  regressed: number[]
}

interface ExistingIncident {
  id: number
  status: string
  severity: Severity
  service: string
  first_seen_at: number
  last_seen_at: number
}

const committedEvents = counter(
  'alims_store_events_total',
  'Incident events committed by the store',
)
const createdIncidents = counter('alims_incidents_created_total', 'Incidents created')
const commitSeconds = histogram(
  'alims_store_commit_seconds',
  'Time to commit one batch',
  [],
  [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
)

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)} …[clipped ${text.length - max} chars]`
}

/**
 * The end of the worker pipeline: turns a batch of incident candidates and checkpoints into
 * incident rows, counts, per-minute counts and samples, all in one transaction. A batch that
 * is replayed after a crash finds its checkpoint not advanced and is stored once.
 */
export class IncidentStore implements BatchSink<IncidentCandidate> {
  readonly #options: Required<Omit<IncidentStoreOptions, 'hooks'>> & { hooks: StoreHooks }
  readonly #samples = new SampleBook()

  constructor(options: IncidentStoreOptions) {
    this.#options = {
      firstSamples: 5,
      latestSamples: 20,
      maxSampleChars: 64 * 1024,
      clock: Date.now,
      hooks: {},
      ...options,
    }
  }

  /** Commits the batch; resolves once it is durable. */
  async commit(batch: Batch<IncidentCandidate>): Promise<void> {
    await this.commitWithResult(batch)
  }

  /** Samples kept per incident: the group limits that `addCandidate` must be given. */
  get sampleLimits(): { first: number; latest: number } {
    return { first: this.#options.firstSamples, latest: this.#options.latestSamples }
  }

  /** Like commit, and tells which incidents were created, updated or reopened. */
  async commitWithResult(batch: Batch<IncidentCandidate>): Promise<CommitResult> {
    const { firstSamples, latestSamples } = this.#options
    const groups = aggregate(batch.events, firstSamples, latestSamples)

    return this.commitGroups({
      groups,
      checkpoints: batch.checkpoints,
      events: batch.events.length,
    })
  }

  /** Commits groups made with `addCandidate` and `sampleLimits`, and their checkpoints. */
  async commitGroups(batch: GroupedBatch): Promise<CommitResult> {
    const { database } = this.#options
    const started = performance.now()
    // Sorted by fingerprint so that two workers lock shared incidents in the same order.
    const groups = [...batch.groups].sort((a, b) =>
      a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0,
    )
    const result: CommitResult = { created: [], updated: [], regressed: [] }

    for (let attempt = 1; ; attempt += 1) {
      try {
        await database.transaction(async (tx) => {
          const now = this.#options.clock()
          const active: number[] = []
          const rollups = new RollupDeltas()
          const details = new DetailWrites()
          if (groups.length > 0) await RollupDeltas.mark(tx, database.dialect)
          for (const group of groups) {
            await this.#storeGroup(tx, group, now, { result, active, rollups, details })
          }
          if (groups.length > 0) {
            await details.write(tx, database.dialect, this.#options.latestSamples)
            await rollups.write(tx, database.dialect)
            await RollupDeltas.unmark(tx, database.dialect)
          }
          // Samples changed for every incident of the batch: its search document includes them.
          const touched = [...result.created, ...result.updated, ...result.regressed]
          await refreshSearchDocuments(tx, database.dialect, touched)
          await this.#stampActivity(tx, active)
          if (batch.checkpoints.length > 0) {
            await this.#options.saveCheckpoints(tx, batch.checkpoints)
          }
        })
        this.#samples.commit()
        break
      } catch (error) {
        this.#samples.rollback()
        result.created.length = 0
        result.updated.length = 0
        result.regressed.length = 0
        // Two workers bumping shared rollup rows can deadlock on PostgreSQL; one of them is
        // rolled back and simply tries again.
        if (attempt >= 3 || !isRetryable(error)) throw error
        this.#options.logger.warn({ err: error, attempt }, 'batch rolled back, retrying')
      }
    }

    committedEvents.inc(batch.events)
    createdIncidents.inc(result.created.length)
    commitSeconds.observe((performance.now() - started) / 1000)

    return result
  }

  // Alerts read what became active in (last run, now − settle] by `activity_at`. A batch that
  // waited for row locks or a busy machine may commit seconds after its start, and an alert run
  // in between would not see it yet while its window already covered that start: the
  // incident would fall between two windows. So `activity_at` is stamped again last, right
  // before the commit, which leaves only the commit itself inside the settle time.
  async #stampActivity(tx: Tx, ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return

    const at = this.#options.clock()
    await tx.updateTable('incidents').set({ activity_at: at }).where('id', 'in', ids).execute()
  }

  async #storeGroup(tx: Tx, group: FingerprintGroup, now: number, out: Outcome): Promise<void> {
    const existing = await this.#lockExisting(tx, group.fingerprint)
    if (existing === null) {
      const id = await this.#insert(tx, group, now)
      if (id !== null) {
        out.result.created.push(id)
        out.active.push(id)
        const row = { severity: group.severity, service: group.first.event.service }
        this.#stageDetails(id, group, 0, row, out)
        await recordChange(tx, this.#options.database.dialect, {
          kind: 'created',
          incidentId: id,
          at: now,
        })
        await this.#options.hooks.incidentCreated?.(
          tx,
          { id, severity: group.severity, noTicket: group.noTicket },
          now,
        )

        return
      }

      // Another worker inserted the same fingerprint between our look and our insert.
      const raced = await this.#lockExisting(tx, group.fingerprint)
      if (raced === null) throw new Error(`incident ${group.fingerprint} vanished during insert`)
      await this.#recur(tx, raced, group, now, out)

      return
    }

    await this.#recur(tx, existing, group, now, out)
  }

  async #lockExisting(tx: Tx, fingerprint: string): Promise<ExistingIncident | null> {
    let query = tx
      .selectFrom('incidents')
      .select(['id', 'status', 'severity', 'service', 'first_seen_at', 'last_seen_at'])
      .where('fingerprint', '=', fingerprint)
    // SQLite serialises writers with BEGIN IMMEDIATE; PostgreSQL needs the row lock.
    if (this.#options.database.dialect === 'postgres') query = query.forUpdate()
    const row = await query.executeTakeFirst()

    return row ?? null
  }

  async #insert(tx: Tx, group: FingerprintGroup, now: number): Promise<number | null> {
    const { event, classification, grouping } = group.first
    const title = classification.title ?? clip(firstLine(event.message), 300)
    const row = await tx
      .insertInto('incidents')
      .values({
        fingerprint: group.fingerprint,
        status: 'open',
        severity: group.severity,
        title,
        message: clip(event.message, 8192),
        template: clip(grouping.template, 8192),
        service: event.service,
        source: event.source,
        rule: classification.rule,
        tags: JSON.stringify(classification.tags),
        first_seen_at: group.firstSeen,
        last_seen_at: group.lastSeen,
        created_at: now,
        activity_at: now,
        updated_at: now,
        count: group.count,
      })
      .onConflict((oc) => oc.column('fingerprint').doNothing())
      .returning('id')
      .executeTakeFirst()

    return row?.id ?? null
  }

  async #recur(
    tx: Tx,
    existing: ExistingIncident,
    group: FingerprintGroup,
    now: number,
    out: Outcome,
  ): Promise<void> {
    const { result, active } = out
    const regressed = existing.status === 'resolved'
    const ignored = existing.status === 'ignored'
    if (!ignored) active.push(existing.id)
    const severity = maxSeverity(existing.severity, group.severity)
    await tx
      .updateTable('incidents')
      .set((eb) => ({
        count: eb('count', '+', group.count),
        severity,
        // The row is locked (or the database is), so the range can be computed here.
        first_seen_at: Math.min(existing.first_seen_at, group.firstSeen),
        last_seen_at: Math.max(existing.last_seen_at, group.lastSeen),
        updated_at: now,
        // An ignored incident is counted but stays silent: alerts look at activity_at.
        ...(ignored ? {} : { activity_at: now }),
        ...(regressed
          ? {
              status: 'open' as const,
              is_regression: 1,
              regression_count: eb('regression_count', '+', 1),
              status_changed_at: now,
              status_changed_by: 'alims',
            }
          : {}),
      }))
      .where('id', '=', existing.id)
      .execute()

    const firstStored = this.#samples.isFirstFull(existing.id)
      ? this.#options.firstSamples
      : await this.#countFirstSamples(tx, existing.id)
    const row = { severity, service: existing.service }
    this.#stageDetails(existing.id, group, firstStored, row, out)

    if (regressed) {
      await tx
        .insertInto('incident_status_history')
        .values({
          incident_id: existing.id,
          at: now,
          from_status: 'resolved',
          to_status: 'open',
          actor: 'alims',
          reason: 'regression: the error occurred again after it was resolved',
        })
        .execute()
      result.regressed.push(existing.id)
    } else {
      result.updated.push(existing.id)
    }

    if (ignored) return

    const kind = regressed ? 'regressed' : 'updated'
    await recordChange(tx, this.#options.database.dialect, {
      kind,
      incidentId: existing.id,
      at: now,
    })
    await this.#options.hooks.incidentRecurred?.(tx, { id: existing.id, severity, regressed }, now)
  }

  async #countFirstSamples(tx: Tx, incidentId: number): Promise<number> {
    const row = await tx
      .selectFrom('incident_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('incident_id', '=', incidentId)
      .where('kind', '=', 'first')
      .executeTakeFirstOrThrow()

    // PostgreSQL returns count(*) as int8, which the pool parses to a number too.
    return row.n
  }

  #stageDetails(
    incidentId: number,
    group: FingerprintGroup,
    firstStored: number,
    row: { severity: Severity; service: string },
    out: Outcome,
  ): void {
    const { details, rollups } = out
    const firstSlots = Math.max(0, this.#options.firstSamples - firstStored)
    // The rollups are counted with the severity and service the incident row has by now.
    const minutes = [...group.minutes].map(([key, count]) => {
      const minute = minuteStart(key)
      rollups.add(minute, row.severity, row.service, count)

      return { incident_id: incidentId, minute, count }
    })
    details.addMinutes(minutes)

    const first = group.earliest.slice(0, firstSlots)
    // An event already kept as one of the first samples is not kept again as a latest one.
    const firstSet = new Set(first)
    const latest = group.latest.filter((e) => !firstSet.has(e))
    // A batch with a full set of latest samples replaces the stored ones outright: deleting
    // them by index first is cheaper than keeping the newest ids after the insert.
    const replaces = latest.length > 0 && latest.length >= this.#options.latestSamples
    if (replaces) details.replaceLatest(incidentId)
    details.addSamples([
      ...first.map((e) => this.#sampleRow(incidentId, 'first', e)),
      ...latest.map((e) => this.#sampleRow(incidentId, 'latest', e)),
    ])
    if (firstStored + first.length >= this.#options.firstSamples) {
      this.#samples.stageFirstFull(incidentId)
    }
    if (latest.length === 0) return
    if (replaces) {
      this.#samples.stageLatestCount(incidentId, latest.length)

      return
    }

    const known = this.#samples.latestCount(incidentId)
    const count = known === null ? Infinity : known + latest.length
    if (count > this.#options.latestSamples) {
      details.trimLatest(incidentId)
      this.#samples.stageLatestCount(incidentId, this.#options.latestSamples)
    } else {
      this.#samples.stageLatestCount(incidentId, count)
    }
  }

  #sampleRow(incidentId: number, kind: 'first' | 'latest', event: LogEvent) {
    const max = this.#options.maxSampleChars

    return {
      incident_id: incidentId,
      kind,
      at: event.timestamp,
      received_at: this.#options.clock(),
      source: event.source,
      offset: event.offset,
      level: event.level,
      message: clip(event.message, max),
      raw: clip(event.raw, max),
      fields: clip(JSON.stringify(event.fields), max),
    }
  }
}

/** What the groups of one transaction add up to. */
interface Outcome {
  result: CommitResult
  /** Incidents whose `activity_at` is stamped before the commit. */
  active: number[]
  rollups: RollupDeltas
  details: DetailWrites
}

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code

  // 40P01 deadlock detected, 40001 serialization failure (PostgreSQL).
  return code === '40P01' || code === '40001'
}

function firstLine(message: string): string {
  const newline = message.indexOf('\n')

  return newline === -1 ? message : message.slice(0, newline)
}
