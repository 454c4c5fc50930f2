import { watch, type FSWatcher } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'

import { isAppError } from '../../errors/app-error.js'
import type { Logger } from '../../observability/logger.js'
import { counter } from '../../observability/metrics.js'
import type { Classification, LogEvent } from '../event.js'
import { defaultRuleSet } from './default-rules.js'
import { parseRules } from './parse-rules.js'
import { RuleSet } from './rule-set.js'
import { rulesInvalid, type RulesProblem } from './rules-problem.js'

/** What a reload did: swapped in new rules, found the file unchanged, or kept the old rules. */
export type ReloadOutcome = 'applied' | 'unchanged' | 'rejected'

export interface LiveRulesOptions {
  /** Rules file (config.rulesPath); null uses the built-in rules and never reloads. */
  path: string | null
  log: Logger
  /** Reload when the file changes; default true. */
  watch?: boolean
  /** Quiet time after the last change before reloading, in ms; default 250. */
  debounceMs?: number
}

const reloads = counter('alims_rules_reloads_total', 'Rules file reloads by outcome', ['outcome'])

async function loadFile(path: string): Promise<{ text: string; rules: RuleSet }> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
    throw rulesInvalid([
      { file: path, line: 1, column: 1, reason: `cannot read the file (${code})` },
    ])
  }

  return { text, rules: new RuleSet(parseRules(text, path), path) }
}

function problemsOf(error: unknown): RulesProblem[] {
  if (!isAppError(error)) return []

  return (error.details?.problems as RulesProblem[] | undefined) ?? []
}

/**
 * The rules in force, swapped atomically on reload. A changed file (watched, debounced) or a
 * call to `reload()` (the worker wires SIGHUP to it) compiles the new version; an invalid one
 * keeps the old rules and logs why with file, line and reason.
 */
export class LiveRules {
  readonly #path: string | null
  readonly #log: Logger
  readonly #debounceMs: number
  #rules: RuleSet
  #text: string | null
  #watcher: FSWatcher | null = null
  #timer: NodeJS.Timeout | null = null
  #pending: Promise<ReloadOutcome> = Promise.resolve('unchanged')

  private constructor(options: LiveRulesOptions, rules: RuleSet, text: string | null) {
    this.#path = options.path
    this.#log = options.log.child({ component: 'rules' })
    this.#debounceMs = options.debounceMs ?? 250
    this.#rules = rules
    this.#text = text
  }

  /** Loads the rules; throws AppError RULES_INVALID (file, line, reason) when they are invalid. */
  static async open(options: LiveRulesOptions): Promise<LiveRules> {
    if (options.path === null) return new LiveRules(options, defaultRuleSet(), null)

    const { text, rules } = await loadFile(options.path)
    const live = new LiveRules(options, rules, text)
    live.#log.info({ file: options.path, rules: rules.rules.length }, 'rules loaded')
    if (options.watch ?? true) live.#watch(options.path)

    return live
  }

  /** The rule set in force now. */
  get current(): RuleSet {
    return this.#rules
  }

  /** Classifies with the rules in force now. */
  classify(event: LogEvent): Classification {
    return this.#rules.classify(event)
  }

  /** Re-reads the file; never throws. Calls are serialized, so the last write wins. */
  reload(): Promise<ReloadOutcome> {
    this.#pending = this.#pending.then(() => this.#reloadNow())

    return this.#pending
  }

  /** Stops watching the file. */
  close(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#watcher?.close()
    this.#watcher = null
  }

  async #reloadNow(): Promise<ReloadOutcome> {
    const path = this.#path
    if (path === null) return 'unchanged'

    try {
      const { text, rules } = await loadFile(path)
      if (text === this.#text) return count('unchanged')

      this.#rules = rules
      this.#text = text
      this.#log.info({ file: path, rules: rules.rules.length }, 'rules reloaded')

      return count('applied')
    } catch (error) {
      const problems = problemsOf(error)
      const first = problems[0]
      this.#log.warn(
        {
          file: path,
          line: first?.line,
          column: first?.column,
          reason: first?.reason,
          problems: problems.length,
          err: problems.length === 0 ? error : undefined,
        },
        'rules reload rejected, keeping the previous rules',
      )

      return count('rejected')
    }
  }

  #watch(path: string): void {
    const name = basename(path)
    try {
      // The directory is watched, not the file: editors save by writing a new file and renaming
      // it, and a Kubernetes ConfigMap swaps a `..data` symlink beside it. Other files in the
      // directory are left alone, so a busy neighbour cannot keep postponing the reload.
      this.#watcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
        if (changed === null || changed === name || changed.startsWith('..')) this.#schedule()
      })
      this.#watcher.on('error', (err) => {
        this.#log.warn({ file: path, err }, 'rules watch failed, reload with SIGHUP')
      })
    } catch (err) {
      this.#log.warn({ file: path, err }, 'rules watch failed, reload with SIGHUP')
    }
  }

  #schedule(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      this.#timer = null
      void this.reload()
    }, this.#debounceMs)
    this.#timer.unref()
  }
}

function count(outcome: ReloadOutcome): ReloadOutcome {
  reloads.inc({ outcome })

  return outcome
}
