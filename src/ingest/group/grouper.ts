import type { Grouping, LogEvent } from '../event.js'
import { Drain, type DrainOptions } from './drain.js'
import { fingerprintOf } from './fingerprint.js'
import { maskMessage } from './mask.js'
import { messageText } from './message-text.js'
import { stackTemplate } from './stack-template.js'

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
 * template, in any process.
 */
export function templateOf(event: LogEvent): string {
  const stack =
    stackTemplate(event.raw) ??
    (() => {
      const text = fieldStack(event.fields)

      return text === null ? null : stackTemplate(text)
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
  /** Fingerprints cached per (service, template) before the cache starts afresh; default 50,000. */
  cacheSize?: number
}

/**
 * Groups events for one process: the pure template and fingerprint, memoised, plus a Drain
 * `pattern` per service that generalises templates seen in this process. One per worker.
 */
export class Grouper {
  readonly #drainOptions: DrainOptions | false
  readonly #cacheSize: number
  readonly #drains = new Map<string, Drain>()
  readonly #fingerprints = new Map<string, string>()

  constructor(options: GrouperOptions = {}) {
    this.#drainOptions = options.drain ?? {}
    this.#cacheSize = options.cacheSize ?? 50_000
  }

  /** Template, fingerprint and, with Drain on, the process-local pattern of the event. */
  group(event: LogEvent): Grouping {
    const template = templateOf(event)
    const key = `${event.service}\0${template}`
    let fingerprint = this.#fingerprints.get(key)
    if (fingerprint === undefined) {
      if (this.#fingerprints.size >= this.#cacheSize) this.#fingerprints.clear()
      fingerprint = fingerprintOf(event.service, template)
      this.#fingerprints.set(key, fingerprint)
    }

    if (this.#drainOptions === false) return { template, fingerprint }

    return {
      template,
      fingerprint,
      pattern: this.#drain(event.service).add(template).tokens.join(' '),
    }
  }

  #drain(service: string): Drain {
    let drain = this.#drains.get(service)
    if (drain === undefined) {
      if (this.#drains.size >= 1000) this.#drains.clear()
      drain = new Drain(this.#drainOptions === false ? {} : this.#drainOptions)
      this.#drains.set(service, drain)
    }

    return drain
  }
}
