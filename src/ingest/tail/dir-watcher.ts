import { watch, type FSWatcher } from 'node:fs'

import type { Logger } from '../../observability/logger.js'

/**
 * Watches directories (not recursively) with fs.watch and reports that something changed in
 * them. It only shortens the wait: the tailer's stat sweep and glob rescan find every change
 * on their own, so a directory that cannot be watched (inotify limit, network filesystem) is
 * logged once and left to polling.
 */
export class DirWatcher {
  readonly #watchers = new Map<string, FSWatcher>()
  readonly #failed = new Set<string>()
  readonly #onChange: (dir: string, kind: 'rename' | 'change') => void
  readonly #log: Logger

  constructor(onChange: (dir: string, kind: 'rename' | 'change') => void, log: Logger) {
    this.#onChange = onChange
    this.#log = log
  }

  /** Watches exactly these directories from now on: adds new ones, closes the rest. */
  set(dirs: ReadonlySet<string>): void {
    for (const [dir, watcher] of this.#watchers) {
      if (!dirs.has(dir)) {
        watcher.close()
        this.#watchers.delete(dir)
      }
    }
    for (const dir of dirs) {
      if (!this.#watchers.has(dir)) this.#add(dir)
    }
  }

  /** Stops watching everything. */
  close(): void {
    for (const watcher of this.#watchers.values()) watcher.close()
    this.#watchers.clear()
  }

  #add(dir: string): void {
    try {
      const watcher = watch(dir, { persistent: false }, (kind) => {
        this.#onChange(dir, kind)
      })
      watcher.on('error', (err) => {
        // The directory went away or the watch broke; the next rescan adds it again if it exists.
        this.#log.debug({ dir, err }, 'directory watch ended')
        watcher.close()
        this.#watchers.delete(dir)
        this.#onChange(dir, 'rename')
      })
      this.#watchers.set(dir, watcher)
      this.#failed.delete(dir)
    } catch (err) {
      if (this.#failed.has(dir)) return

      this.#failed.add(dir)
      const code = (err as NodeJS.ErrnoException).code
      // ENOENT is ordinary (a glob's folder not created yet); anything else costs latency.
      if (code === 'ENOENT') this.#log.debug({ dir }, 'directory not watched yet')
      else this.#log.warn({ dir, err }, 'directory not watched, polling it')
    }
  }
}
