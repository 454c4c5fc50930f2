import type { Batch, BatchSink } from './checkpoint.js'
import type { Classification, Grouping, IncidentCandidate, LogEvent, Severity } from './event.js'
import type { CommitResult } from './store/incident-store.js'

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
  commitWithResult(batch: Batch<IncidentCandidate>): Promise<CommitResult>
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

/**
 * The middle of the worker: classifies each parsed event, groups the ones that are incidents,
 * and hands them with the batch's checkpoints to the store, which commits both together.
 */
export class IncidentPipeline implements BatchSink<LogEvent> {
  readonly #classifier: EventClassifier
  readonly #grouper: EventGrouper
  readonly #store: CandidateStore
  readonly #counts: PipelineCounts = {
    events: 0,
    bySeverity: { HIGH: 0, MEDIUM: 0, LOW: 0 },
    ignored: 0,
    notIncidents: 0,
    incidentsCreated: 0,
    incidentsUpdated: 0,
    incidentsRegressed: 0,
  }

  constructor(stages: {
    classifier: EventClassifier
    grouper: EventGrouper
    store: CandidateStore
  }) {
    this.#classifier = stages.classifier
    this.#grouper = stages.grouper
    this.#store = stages.store
  }

  /** Classifies, groups and stores one batch; resolves when it is committed. */
  async commit(batch: Batch<LogEvent>): Promise<void> {
    const candidates: IncidentCandidate[] = []
    const tally = { ignored: 0, notIncidents: 0, HIGH: 0, MEDIUM: 0, LOW: 0 }
    for (const event of batch.events) {
      const classification = this.#classifier.classify(event)
      if (classification.ignored) {
        tally.ignored += 1
        continue
      }
      const severity = classification.severity
      if (severity === null) {
        tally.notIncidents += 1
        continue
      }

      tally[severity] += 1
      candidates.push({
        event,
        classification: { ...classification, severity },
        grouping: this.#grouper.group(event),
      })
    }

    const result = await this.#store.commitWithResult({
      events: candidates,
      checkpoints: batch.checkpoints,
    })

    // Counted only after the commit: a failed batch is replayed and must not count twice.
    const counts = this.#counts
    const gated = batch.gated ?? 0
    counts.events += batch.events.length + gated
    counts.ignored += tally.ignored
    counts.notIncidents += tally.notIncidents + gated
    counts.bySeverity.HIGH += tally.HIGH
    counts.bySeverity.MEDIUM += tally.MEDIUM
    counts.bySeverity.LOW += tally.LOW
    counts.incidentsCreated += result.created.length
    counts.incidentsUpdated += result.updated.length
    counts.incidentsRegressed += result.regressed.length
  }

  /** A copy of the running totals. */
  counts(): PipelineCounts {
    return { ...this.#counts, bySeverity: { ...this.#counts.bySeverity } }
  }
}
