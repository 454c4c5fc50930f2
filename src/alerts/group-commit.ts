interface Waiting<T, R> {
  item: T
  resolve: (result: R) => void
  reject: (error: unknown) => void
}

/** When a GroupCommit writes: as soon as `ready()` items wait, or `maxWaitMs` after the first. */
export interface GroupCommitOptions {
  /** How many waiting items make a full group (e.g. the callers still at work). */
  ready: () => number
  maxWaitMs: number
}

/**
 * Collects writes from concurrent callers into shared transactions: a group is written once
 * every caller still at work waits on it (or after a short wait), and writes that arrive while
 * one runs go in the next. `write` returns one result per item, in order. SQLite serializes
 * write transactions, so a few larger ones cost far less than one per caller.
 */
export class GroupCommit<T, R> {
  readonly #write: (items: T[]) => Promise<R[]>
  readonly #options: GroupCommitOptions
  #waiting: Array<Waiting<T, R>> = []
  #writing = false
  #timer: NodeJS.Timeout | undefined

  constructor(write: (items: T[]) => Promise<R[]>, options: GroupCommitOptions) {
    this.#write = write
    this.#options = options
  }

  /** Queues `item`; resolves with its result once the transaction holding it committed. */
  add(item: T): Promise<R> {
    const result = new Promise<R>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject })
    })
    this.poke()

    return result
  }

  /** Writes the waiting group if it is full; call it when the number of callers drops. */
  poke(): void {
    if (this.#writing || this.#waiting.length === 0) return

    if (this.#waiting.length >= this.#options.ready()) {
      void this.#flush()
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        void this.#flush()
      }, this.#options.maxWaitMs)
    }
  }

  async #flush(): Promise<void> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    if (this.#writing) return

    this.#writing = true
    const group = this.#waiting.splice(0)
    try {
      const results = await this.#write(group.map((w) => w.item))
      group.forEach((w, i) => {
        w.resolve(results[i] as R)
      })
    } catch (error) {
      for (const w of group) w.reject(error)
    }
    this.#writing = false
    this.poke()
  }
}
