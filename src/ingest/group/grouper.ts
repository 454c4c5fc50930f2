import type { Grouping, LogEvent } from '../event.js'
import { Drain, type DrainOptions } from './drain.js'
import { fingerprintOf } from './fingerprint.js'
import { maskMessage } from './mask.js'
import { messageText } from './message-text.js'
import { StackScanCache, stackTemplate } from './stack-template.js'

/** Template of an event whose message is empty after masking. */
export const EMPTY_TEMPLATE = '<empty>'

function textStack(value: unknown): string | null {
  return typeof value === 'string' && value.includes('\n') ? value : null
}

function errorStack(value: unknown): string | null {
  return value !== null && typeof value === 'object'
    ? textStack((value as Record<string, unknown>).stack)
    : null
}

// Fields where JSON loggers put a stack trace (pino, bunyan, winston, structlog, logrus), in
// order of preference. Named reads, not a loop over key names: the fields of different formats
// have different shapes, and a read by a constant name stays cheap across them.
function fieldStack(fields: Record<string, unknown>): string | null {
  return (
    textStack(fields.stack) ??
    textStack(fields.stack_trace) ??
    textStack(fields.stacktrace) ??
    textStack(fields.exception) ??
    textStack(fields.exc_info) ??
    textStack(fields.trace) ??
    errorStack(fields.err) ??
    errorStack(fields.error)
  )
}

/**
 * The template of an event: for a stack trace the exception types and top application frames,
 * else its message with the variable parts masked. Pure: the same event always gives the same
 * template, in any process; `stacks` only saves work.
 */
export function templateOf(event: LogEvent, stacks?: StackScanCache): string {
  const raw = stackTemplate(event.raw, stacks)
  if (raw !== null) return raw

  const text = fieldStack(event.fields)
  const field = text === null ? null : stackTemplate(text, stacks)
  if (field !== null) return field

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
  // Per service, then per template: no joined key string to build and hash for each event.
  readonly #fingerprints = new Map<string, Map<string, string>>()
  #cached = 0
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
    // The length of `service NUL template`, as the cache's bound has always been stated.
    if (service.length + 1 + template.length > MAX_CACHED_KEY) {
      return fingerprintOf(service, template)
    }

    let templates = this.#fingerprints.get(service)
    let fingerprint = templates?.get(template)
    if (fingerprint !== undefined) return fingerprint

    if (this.#cached >= this.#cacheSize) {
      this.#fingerprints.clear()
      this.#cached = 0
      templates = undefined
    }
    if (templates === undefined) {
      templates = new Map<string, string>()
      this.#fingerprints.set(service, templates)
    }
    fingerprint = fingerprintOf(service, template)
    templates.set(template, fingerprint)
    this.#cached++

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
