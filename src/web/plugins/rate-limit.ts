import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'

import { AppError } from '../../errors/app-error.js'
import { counter } from '../../observability/metrics.js'
import type { WebApp } from '../web-deps.js'

const WINDOW_MS = 60_000

const limited = counter(
  'alims_http_rate_limited_total',
  'API requests refused because their client address sent too many in a minute',
)

/** Which addresses were refused in their current window, so a flood logs one warning a minute. */
class RefusalLog {
  readonly #until = new Map<string, number>()

  /** True for the first refusal of `address` in a window that ends at `windowEnd`. */
  firstRefusal(address: string, windowEnd: number): boolean {
    const now = Date.now()
    const until = this.#until.get(address)
    if (until !== undefined && until > now) return false

    // Bounded under a flood from many addresses: expired entries go first, then all.
    if (this.#until.size >= 10_000) {
      for (const [key, end] of this.#until) if (end <= now) this.#until.delete(key)
      if (this.#until.size >= 10_000) this.#until.clear()
    }
    this.#until.set(address, windowEnd)

    return true
  }
}

/**
 * Caps the API requests of one client address per minute (ALIMS_API_RATE_LIMIT; 0 turns it
 * off). Only `/api/` counts: the UI's files, /healthz and /metrics are never refused. Behind a
 * proxy the address is the client's only when the proxy is trusted (ALIMS_TRUST_PROXY);
 * otherwise every client shares the proxy's address and its allowance. Each web process keeps
 * its own counts, so N replicas behind a balancer allow up to N times the limit.
 */
export async function registerRateLimit(app: WebApp, perMinute: number): Promise<void> {
  if (perMinute === 0) return

  const warned = new RefusalLog()

  await app.register(rateLimit, {
    // One app-wide onRequest hook (below) instead of one per route: it runs before the
    // routes' own hooks, access control included, and covers unmatched /api/ URLs too.
    global: false,
    max: perMinute,
    timeWindow: WINDOW_MS,
    allowList: (request: FastifyRequest) => !request.url.startsWith('/api/'),
    errorResponseBuilder: (request: FastifyRequest, context) => {
      limited.inc()
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000))
      if (warned.firstRefusal(request.ip, Date.now() + context.ttl)) {
        request.log.warn({ remoteAddress: request.ip, perMinute }, 'API rate limit reached')
      } else {
        request.log.debug({ remoteAddress: request.ip }, 'API request refused by the rate limit')
      }

      return new AppError(
        'RATE_LIMITED',
        `too many API requests from ${request.ip}: at most ${context.max} a minute; retry in ${seconds} s`,
        { status: 429, details: { retryAfter: seconds } },
      )
    },
  })
  app.addHook('onRequest', app.rateLimit())
}
