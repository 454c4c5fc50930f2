import { spawn, type ChildProcess } from 'node:child_process'

import type { Logger } from '../observability/logger.js'

/** One supervised child: a name for logs and the alims arguments that start it. */
export interface ChildSpec {
  name: string
  args: string[]
  env?: NodeJS.ProcessEnv
}

export interface SupervisorOptions {
  /** The command that runs alims: `[process.execPath, ...execArgv, script]`. */
  command: readonly string[]
  children: readonly ChildSpec[]
  logger: Logger
  /** First restart delay in ms; doubles per crash up to `maxBackoffMs`. */
  initialBackoffMs?: number
  maxBackoffMs?: number
  /** A child that ran this long is healthy again: its next crash restarts after the first delay. */
  stableAfterMs?: number
  /** How long a child may take to stop before it is killed. */
  stopTimeoutMs?: number
}

interface Slot {
  spec: ChildSpec
  child: ChildProcess | null
  startedAt: number
  crashes: number
  timer: NodeJS.Timeout | null
}

/**
 * Runs children (web, worker) and restarts one that exits with exponential backoff, until
 * `stop()` is called; stop forwards SIGTERM and waits for every child to exit.
 */
export class Supervisor {
  readonly #options: Required<Omit<SupervisorOptions, 'children'>> & {
    children: readonly ChildSpec[]
  }
  readonly #slots: Slot[]
  #stopping = false

  constructor(options: SupervisorOptions) {
    this.#options = {
      initialBackoffMs: 1000,
      maxBackoffMs: 30_000,
      stableAfterMs: 60_000,
      stopTimeoutMs: 15_000,
      ...options,
    }
    this.#slots = options.children.map((spec) => ({
      spec,
      child: null,
      startedAt: 0,
      crashes: 0,
      timer: null,
    }))
  }

  /** Starts every child. */
  start(): void {
    for (const slot of this.#slots) this.#spawn(slot)
  }

  /** The pid of each running child, by name (for tests and status output). */
  pids(): Record<string, number | null> {
    return Object.fromEntries(this.#slots.map((s) => [s.spec.name, s.child?.pid ?? null]))
  }

  /** Forwards `signal` to the children and resolves once all have exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.#stopping = true
    const exits = this.#slots.map(async (slot) => {
      if (slot.timer !== null) clearTimeout(slot.timer)
      const child = slot.child
      if (child === null || child.exitCode !== null || child.signalCode !== null) return

      const exited = new Promise<void>((resolve) => {
        child.once('exit', () => {
          resolve()
        })
      })
      child.kill(signal)
      const timeout = setTimeout(() => {
        this.#options.logger.warn(
          { child: slot.spec.name, pid: child.pid },
          'child did not stop in time, killing it',
        )
        child.kill('SIGKILL')
      }, this.#options.stopTimeoutMs)
      await exited
      clearTimeout(timeout)
    })
    await Promise.all(exits)
  }

  #spawn(slot: Slot): void {
    const [executable, ...baseArgs] = this.#options.command
    if (executable === undefined) throw new Error('supervisor command is empty')

    const child = spawn(executable, [...baseArgs, ...slot.spec.args], {
      stdio: 'inherit',
      env: { ...process.env, ...slot.spec.env, ALIMS_SUPERVISED: '1' },
    })
    slot.child = child
    slot.startedAt = Date.now()
    this.#options.logger.info({ child: slot.spec.name, childPid: child.pid }, 'child started')
    child.once('exit', (code, signal) => {
      this.#onExit(slot, code, signal)
    })
  }

  #onExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    const log = this.#options.logger
    if (this.#stopping) {
      log.info({ child: slot.spec.name, code, signal }, 'child stopped')

      return
    }

    const ranFor = Date.now() - slot.startedAt
    slot.crashes = ranFor >= this.#options.stableAfterMs ? 1 : slot.crashes + 1
    const delay = Math.min(
      this.#options.maxBackoffMs,
      this.#options.initialBackoffMs * 2 ** (slot.crashes - 1),
    )
    log.error(
      { child: slot.spec.name, code, signal, ranForMs: ranFor, restartInMs: delay },
      'child exited, restarting',
    )
    slot.timer = setTimeout(() => {
      slot.timer = null
      if (!this.#stopping) this.#spawn(slot)
    }, delay)
  }
}
