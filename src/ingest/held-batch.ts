import type { Checkpoint } from './checkpoint.js'
import type { IncidentCandidate, Severity } from './event.js'
import { addCandidate, type FingerprintGroup } from './store/aggregate.js'

/** What a held batch counted on the way, added to the pipeline's totals once it commits. */
export interface HeldTally {
  /** Events read, gated ones included. */
  events: number
  ignored: number
  notIncidents: number
  bySeverity: Record<Severity, number>
}

/**
 * The work of one or more reader batches waiting to be stored in one transaction: candidates
 * reduced per fingerprint (bounded samples, so holding more batches costs little memory), the
 * newest checkpoint per file, and the counts. Merging several batches into one transaction
 * writes each incident's row, samples and search document once instead of once per batch.
 */
export class HeldBatch {
  readonly groups = new Map<string, FingerprintGroup>()
  readonly tally: HeldTally = {
    events: 0,
    ignored: 0,
    notIncidents: 0,
    bySeverity: { HIGH: 0, MEDIUM: 0, LOW: 0 },
  }
  /** Candidates added. */
  candidates = 0
  /** performance.now() when the first batch was added, null while empty. */
  since: number | null = null
  readonly #checkpoints = new Map<string, Checkpoint>()
  readonly #first: number
  readonly #latest: number

  constructor(limits: { first: number; latest: number }) {
    this.#first = limits.first
    this.#latest = limits.latest
  }

  /** True until a batch (even one without events) was added. */
  get isEmpty(): boolean {
    return this.since === null
  }

  /** The newest checkpoint of each file, in the order files were first seen. */
  get checkpoints(): Checkpoint[] {
    return [...this.#checkpoints.values()]
  }

  /** Notes that a batch was added; call once per batch. */
  open(): void {
    this.since ??= performance.now()
  }

  add(candidate: IncidentCandidate): void {
    addCandidate(this.groups, candidate, this.#first, this.#latest)
    this.candidates += 1
  }

  /**
   * Keeps the newest checkpoint per file. A file whose head grew while held keeps the identity
   * its stored row has, so that the row is renamed instead of left behind.
   */
  addCheckpoints(checkpoints: readonly Checkpoint[]): void {
    for (const checkpoint of checkpoints) {
      const renamedFrom = checkpoint.previousIdentity
      const earlier =
        this.#checkpoints.get(checkpoint.identity) ??
        (renamedFrom === undefined ? undefined : this.#checkpoints.get(renamedFrom))
      if (renamedFrom !== undefined) this.#checkpoints.delete(renamedFrom)
      this.#checkpoints.delete(checkpoint.identity)

      const merged: Checkpoint = { ...checkpoint }
      delete merged.previousIdentity
      const stored = earlier?.previousIdentity ?? renamedFrom
      if (stored !== undefined && stored !== checkpoint.identity) merged.previousIdentity = stored
      this.#checkpoints.set(checkpoint.identity, merged)
    }
  }
}
