/**
 * What this process knows about the samples stored per incident, so that a busy incident does
 * not cost a count and a delete in every batch. Knowledge is staged during a transaction and
 * kept only once it commits. It is an upper bound: another worker may add samples too, which
 * at worst leaves a few extra rows until the next trim.
 */
export class SampleBook {
  readonly #firstFull = new Set<number>()
  readonly #latest = new Map<number, number>()
  #stagedFull: number[] = []
  #stagedLatest = new Map<number, number>()
  readonly #limit: number

  /** `limit`: incidents remembered before the book starts afresh (bounded memory). */
  constructor(limit = 100_000) {
    this.#limit = limit
  }

  /** True when the incident's first samples are known to be complete. */
  isFirstFull(incidentId: number): boolean {
    return this.#firstFull.has(incidentId)
  }

  stageFirstFull(incidentId: number): void {
    this.#stagedFull.push(incidentId)
  }

  /** Known number of latest samples (an upper bound), or null when unknown. */
  latestCount(incidentId: number): number | null {
    return this.#stagedLatest.get(incidentId) ?? this.#latest.get(incidentId) ?? null
  }

  stageLatestCount(incidentId: number, count: number): void {
    this.#stagedLatest.set(incidentId, count)
  }

  /** Keeps what the committed transaction staged. */
  commit(): void {
    if (this.#firstFull.size + this.#latest.size > this.#limit) {
      this.#firstFull.clear()
      this.#latest.clear()
    }
    for (const id of this.#stagedFull) this.#firstFull.add(id)
    for (const [id, count] of this.#stagedLatest) this.#latest.set(id, count)
    this.rollback()
  }

  /** Forgets what a failed transaction staged. */
  rollback(): void {
    this.#stagedFull = []
    this.#stagedLatest = new Map()
  }
}
