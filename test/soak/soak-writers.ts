import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  renameSync,
  statSync,
  truncateSync,
} from 'node:fs'
import { join } from 'node:path'

/** Error kinds the writers emit; each is one incident, found by its word in the title. */
export const KINDS = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'Golf', 'Hotel']
const SERVICES = ['orders', 'billing', 'search', 'auth']

/** What the writers wrote: error events per kind, and what happened to the files. */
export interface Ledger {
  errors: Map<string, number>
  warnings: number
  infos: number
  renames: number
  copytruncates: number
  /** copytruncates skipped because the file's worker was down or behind (a rename was done instead). */
  copytruncatesDeferred: number
}

/** One log file of one host: its path and the pause that rotation holds while it copies. */
interface LogFile {
  path: string
  host: number
  paused: boolean
  rotations: number
}

/** The error kind of the wave running `elapsedMs` after the start: Wavea, Waveb, … Waveba, … */
function waveKind(elapsedMs: number): string {
  let index = Math.floor(elapsedMs / 15_000)
  let letters = ''
  do {
    letters = String.fromCharCode(97 + (index % 26)) + letters
    index = Math.floor(index / 26)
  } while (index > 0)

  return `Wave${letters}`
}

function timestamp(): string {
  return new Date().toISOString()
}

function errorEvent(kind: string, n: number): string {
  const lower = kind.toLowerCase()
  const head = `${timestamp()} ERROR [orders] ${kind} step failed for order ${n}\n`
  const trace =
    n % 2 === 0
      ? `com.acme.${kind}Exception: ${kind} step failed for order ${n}\n` +
        `\tat com.acme.${lower}.${kind}Step.run(${kind}Step.java:${40 + (n % 3)})\n` +
        `\tat com.acme.pipeline.Pipeline.next(Pipeline.java:88)\n`
      : ''

  return n % 2 === 0 ? `${timestamp()} ERROR [orders] ${kind} step crashed\n${trace}` : head
}

/**
 * Writers append events to their own files, one whole event per append (so no event is ever
 * half-written when rotation copies a file), and count in the ledger what they wrote.
 */
export class Writers {
  readonly ledger: Ledger = {
    errors: new Map(KINDS.map((k) => [k, 0])),
    warnings: 0,
    infos: 0,
    renames: 0,
    copytruncates: 0,
    copytruncatesDeferred: 0,
  }
  readonly files: LogFile[] = []
  #stopped = false
  #sequence = 0
  readonly #startedAt = Date.now()

  constructor(
    readonly hostDirs: readonly string[],
    /** Where copies made by copytruncate go, per host: outside what the workers watch. */
    readonly archiveDirs: readonly string[],
    readonly writers: number,
    filesPerWriter: number,
  ) {
    for (let w = 0; w < writers; w += 1) {
      for (let f = 0; f < filesPerWriter; f += 1) {
        const host = (w * filesPerWriter + f) % hostDirs.length
        // A folder per file and a few file names: the service is the file name, so incidents
        // are (kind, shape, service) and a window's incidents all fit in one alert email list.
        const dir = join(hostDirs[host]!, `w${w}-f${f}`)
        mkdirSync(dir, { recursive: true })
        const path = join(dir, `${SERVICES[f % SERVICES.length]!}.log`)
        this.files.push({ path, host, paused: false, rotations: 0 })
      }
    }
    for (const dir of archiveDirs) mkdirSync(dir, { recursive: true })
  }

  /** Runs every writer until stop(); each writes one event every `intervalMs` on average. */
  async run(intervalMs: number): Promise<void> {
    const perWriter = this.files.length / this.writers
    await Promise.all(
      Array.from({ length: this.writers }, async (_, w) => {
        const mine = this.files.slice(w * perWriter, (w + 1) * perWriter)
        while (!this.#stopped) {
          const file = mine[Math.floor(Math.random() * mine.length)]!
          if (!file.paused) this.#write(file)
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 * intervalMs))
        }
      }),
    )
  }

  stop(): void {
    this.#stopped = true
  }

  #write(file: LogFile): void {
    this.#sequence += 1
    const n = this.#sequence
    const roll = n % 10
    let text: string
    if (roll < 4) {
      // One error in ten is of a kind that changes every 15 s, so that every alert window has
      // new incidents and its email (or its failure while SMTP is down) is exercised.
      const kind = n % 10 === 0 ? waveKind(Date.now() - this.#startedAt) : KINDS[n % KINDS.length]!
      text = errorEvent(kind, n)
      this.ledger.errors.set(kind, (this.ledger.errors.get(kind) ?? 0) + 1)
    } else if (roll < 6) {
      text = `${timestamp()} WARN [orders] retrying payment for order ${n}\n`
      this.ledger.warnings += 1
    } else {
      text = `${timestamp()} INFO [orders] order ${n} accepted\n`
      this.ledger.infos += 1
    }
    appendFileSync(file.path, text)
  }

  /** Rotates a random file by rename (the old file stays, matched by the `*.log*` glob). */
  renameOne(): void {
    const file = this.files[Math.floor(Math.random() * this.files.length)]!
    if (file.paused) return

    file.rotations += 1
    try {
      renameSync(file.path, `${file.path}.${file.rotations}`)
      this.ledger.renames += 1
    } catch {
      // Not written yet: nothing to rotate.
    }
  }

  /**
   * Rotates a random file by copy and truncate. Lines written between the tailer's last read
   * and the truncation exist only in the copy, so the writers of the file pause and the copy is
   * made only once `readTo(path)` (the worker's committed checkpoint) reached the end of it.
   */
  async copyTruncateOne(
    readTo: (path: string, inode: number) => Promise<number | null>,
    hostUp: (host: number) => boolean,
  ): Promise<void> {
    const file = this.files[Math.floor(Math.random() * this.files.length)]!
    if (file.paused) return

    file.paused = true
    try {
      const deadline = Date.now() + 20_000
      for (;;) {
        const stat = statSync(file.path, { throwIfNoEntry: false })
        if (stat === undefined) return

        const offset = await readTo(file.path, stat.ino)
        if (offset === stat.size && hostUp(file.host)) break
        if (Date.now() > deadline) {
          this.ledger.copytruncatesDeferred += 1
          file.paused = false
          this.renameOne()

          return
        }
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      file.rotations += 1
      const name = file.path.split('/').slice(-2).join('-')
      const archive = join(this.archiveDirs[file.host]!, `${name}.${file.rotations}`)
      copyFileSync(file.path, archive)
      truncateSync(file.path, 0)
      this.ledger.copytruncates += 1
      // Give the tailer time to notice the truncation before the file grows past its old size.
      await new Promise((resolve) => setTimeout(resolve, 1500))
    } finally {
      file.paused = false
    }
  }
}
