import type { Batch, BatchSink } from './checkpoint.js'
import type { Classification, Grouping, LogEvent, Severity } from './event.js'
import { HeldBatch } from './held-batch.js'
import type { CommitResult, GroupedBatch } from './store/incident-store.js'

/** Decides what an event is worth; the rules engine implements it. */
export interface EventClassifier {
  classify(event: LogEvent): Classification
}

/** Finds the group of an event; the template miner implements it. */
export interface EventGrouper {
  group(event: LogEvent): Grouping
}

/** The store as the pipeline needs it. */
export interface CandidateStore {
  readonly sampleLimits: { first: number; latest: number }
  commitGroups(batch: GroupedBatch): Promise<CommitResult>
}

/** When held batches are stored: see `IncidentPipeline`. */
export interface HoldOptions {
  /** Candidates held before they are stored; 0 stores every batch as it comes. */
  candidates: number
  /**
   * Fingerprints held before they are stored (default: no limit but `candidates`): each keeps
   * up to the store's first and latest samples, so they bound the events a held batch keeps.
   */
  groups?: number
  /** Longest time, in ms, between the first held batch and the commit. */
  ms: number
}

/** Running totals of one pipeline, printed by `alims ingest` and exported as metrics. */
export interface PipelineCounts {
  /** Events read, including those the line gate passed over without building them. */
  events: number
  bySeverity: Record<Severity, number>
  ignored: number
  /** Events no rule made an incident, including those the line gate passed over. */
  notIncidents: number
  incidentsCreated: number
  incidentsUpdated: number
  incidentsRegressed: number
}

function hasSeverity(
  classification: Classification,
): classification is Classification & { severity: Severity } {
  return classification.severity !== null
}

/**
 * The middle of the worker: classifies each parsed event, groups the ones that are incidents,
 * and hands them with the batch's checkpoints to the store, which commits both together.
 */
export class IncidentPipeline implements BatchSink<LogEvent> {
  readonly #classifier: EventClassifier
  readonly #grouper: EventGrouper
  readonly #store: CandidateStore
  readonly #hold: HoldOptions
  #held: HeldBatch
  readonly #counts: PipelineCounts = {
    events: 0,
    bySeverity: { HIGH: 0, MEDIUM: 0, LOW: 0 },
    ignored: 0,
    notIncidents: 0,
    incidentsCreated: 0,
    incidentsUpdated: 0,
    incidentsRegressed: 0,
  }

  /**
   * `hold`: by default every batch is stored before `commit` resolves, as a tailer following
   * live files needs. A one-shot read of a backlog may hold batches and store them together,
   * then must call `flush()` at its end; a crash loses only work whose checkpoint was not
   * stored either, so it is read again.
   */
  constructor(stages: {
    classifier: EventClassifier
    grouper: EventGrouper
    store: CandidateStore
    hold?: HoldOptions
  }) {
    this.#classifier = stages.classifier
    this.#grouper = stages.grouper
    this.#store = stages.store
    this.#hold = stages.hold ?? { candidates: 0, ms: 0 }
    this.#held = new HeldBatch(this.#store.sampleLimits)
  }

  /** Classifies and groups one batch; resolves when it is committed or held. */
  async commit(batch: Batch<LogEvent>): Promise<void> {
    const held = this.#held
    held.open()
    const tally = held.tally
    for (const event of batch.events) {
      const classification = this.#classifier.classify(event)
      if (classification.ignored) {
        tally.ignored += 1
        continue
      }
      if (!hasSeverity(classification)) {
        tally.notIncidents += 1
        continue
      }

      tally.bySeverity[classification.severity] += 1
      // The classification itself, not a copy: the rule set shares one frozen object per rule.
      held.add({ event, classification, grouping: this.#grouper.group(event) })
    }
    const gated = batch.gated ?? 0
    tally.events += batch.events.length + gated
    tally.notIncidents += gated
    held.addCheckpoints(batch.checkpoints)

    const waited = performance.now() - (held.since ?? 0)
    const hold = this.#hold
    if (
      held.candidates >= hold.candidates ||
      held.groups.size >= (hold.groups ?? Infinity) ||
      waited >= hold.ms
    ) {
      await this.flush()
    }
  }

  /** Stores what is held (nothing when empty); resolves when it is committed. */
  async flush(): Promise<void> {
    const held = this.#held
    if (held.isEmpty) return

    // Taken before the commit: a failed batch is dropped and its reader reads it again.
    this.#held = new HeldBatch(this.#store.sampleLimits)
    const result = await this.#store.commitGroups({
      groups: [...held.groups.values()],
      checkpoints: held.checkpoints,
      events: held.candidates,
    })

    // Counted only after the commit: a failed batch is replayed and must not count twice.
    const counts = this.#counts
    const { tally } = held
    counts.events += tally.events
    counts.ignored += tally.ignored
    counts.notIncidents += tally.notIncidents
    counts.bySeverity.HIGH += tally.bySeverity.HIGH
    counts.bySeverity.MEDIUM += tally.bySeverity.MEDIUM
    counts.bySeverity.LOW += tally.bySeverity.LOW
    counts.incidentsCreated += result.created.length
    counts.incidentsUpdated += result.updated.length
    counts.incidentsRegressed += result.regressed.length
  }

  /** A copy of the running totals. */
  counts(): PipelineCounts {
    return { ...this.#counts, bySeverity: { ...this.#counts.bySeverity } }
  }
}
