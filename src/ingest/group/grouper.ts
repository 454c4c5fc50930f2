import type { Grouping, LogEvent } from '../event.js'
import { Drain, type DrainOptions } from './drain.js'
import { fingerprintOf } from './fingerprint.js'
import { maskMessage } from './mask.js'
import { messageText } from './message-text.js'
import { StackScanCache, stackTemplate } from './stack-template.js'

/** Template of an event whose message is empty after masking. */
export const EMPTY_TEMPLATE = '<empty>'

// Fields where JSON loggers put a stack trace (pino, bunyan, winston, structlog, logrus).
const STACK_FIELDS = ['stack', 'stack_trace', 'stacktrace', 'exception', 'exc_info', 'trace']

function fieldStack(fields: Record<string, unknown>): string | null {
  for (const key of STACK_FIELDS) {
    const value = fields[key]
    if (typeof value === 'string' && value.includes('\n')) return value
  }

  for (const key of ['err', 'error']) {
    const value = fields[key]
    if (value !== null && typeof value === 'object') {
      const stack = (value as Record<string, unknown>).stack
      if (typeof stack === 'string' && stack.includes('\n')) return stack
    }
  }

  return null
}

/**
 * The template of an event: for a stack trace the exception types and top application frames,
 * else its message with the variable parts masked. Pure: the same event always gives the same
 * template, in any process; `stacks` only saves work.
 */
export function templateOf(event: LogEvent, stacks?: StackScanCache): string {
  const stack =
    stackTemplate(event.raw, stacks) ??
    (() => {
      const text = fieldStack(event.fields)

      return text === null ? null : stackTemplate(text, stacks)
    })()
  if (stack !== null) return stack

  const template = maskMessage(messageText(event))

  return template === '' ? EMPTY_TEMPLATE : template
}

/** Pure grouping of one event: its template and the fingerprint of (service, template). */
export function group(event: LogEvent): Grouping {
  const template = templateOf(event)

  return { template, fingerprint: fingerprintOf(event.service, template) }
}

export interface GrouperOptions {
  /** Drain settings for the `pattern` of each grouping; false turns the clustering off. */
  drain?: DrainOptions | false
  /** Fingerprints cached per (service, template) before the cache starts afresh; default 10,000. */
  cacheSize?: number
  /** Drain clusters kept over all services before clustering starts afresh; default 10,000. */
  maxClusters?: number
}

// Keys longer than this are not cached: a flood of long unique templates must not hold memory.
const MAX_CACHED_KEY = 512

/**
 * Groups events for one process: the pure template and fingerprint, memoised, plus a Drain
 * `pattern` per service that generalises templates seen in this process. One per worker.
 * Memory is bounded: at most `cacheSize` short keys and `maxClusters` clusters.
 */
export class Grouper {
  readonly #drainOptions: DrainOptions | false
  readonly #cacheSize: number
  readonly #maxClusters: number
  readonly #drains = new Map<string, Drain>()
  readonly #fingerprints = new Map<string, string>()
  readonly #stacks = new StackScanCache()
  #clusters = 0

  constructor(options: GrouperOptions = {}) {
    this.#drainOptions = options.drain ?? {}
    this.#cacheSize = options.cacheSize ?? 10_000
    this.#maxClusters = options.maxClusters ?? 10_000
  }

  /** Drain clusters held now, over all services. */
  get clusterCount(): number {
    return this.#clusters
  }

  /** Template, fingerprint and, with Drain on, the process-local pattern of the event. */
  group(event: LogEvent): Grouping {
    const template = templateOf(event, this.#stacks)
    const fingerprint = this.#fingerprint(event.service, template)
    if (this.#drainOptions === false) return { template, fingerprint }

    const cluster = this.#drain(event.service).add(template)
    if (cluster.size === 1 && ++this.#clusters > this.#maxClusters) {
      this.#drains.clear()
      this.#clusters = 0
    }

    return { template, fingerprint, pattern: cluster.tokens.join(' ') }
  }

  #fingerprint(service: string, template: string): string {
    const key = `${service}\0${template}`
    if (key.length > MAX_CACHED_KEY) return fingerprintOf(service, template)

    let fingerprint = this.#fingerprints.get(key)
    if (fingerprint === undefined) {
      if (this.#fingerprints.size >= this.#cacheSize) this.#fingerprints.clear()
      fingerprint = fingerprintOf(service, template)
      this.#fingerprints.set(key, fingerprint)
    }

    return fingerprint
  }

  #drain(service: string): Drain {
    let drain = this.#drains.get(service)
    if (drain === undefined) {
      drain = new Drain(this.#drainOptions === false ? {} : this.#drainOptions)
      this.#drains.set(service, drain)
    }

    return drain
  }
}
