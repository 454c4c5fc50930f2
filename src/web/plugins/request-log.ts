import type { FastifyReply, FastifyRequest } from 'fastify'

import { counter, histogram } from '../../observability/metrics.js'
import type { WebApp } from '../web-deps.js'

// Query parameters whose values could be secrets; their values never reach a log line.
const SECRET_PARAMS = /token|password|secret|key|session|code|auth|sig/i

/** The URL with the values of secret-looking query parameters replaced, for logs. */
export function loggableUrl(url: string): string {
  const question = url.indexOf('?')
  if (question === -1) return url

  const params = new URLSearchParams(url.slice(question + 1))
  for (const name of new Set(params.keys())) {
    if (SECRET_PARAMS.test(name)) params.set(name, '[redacted]')
  }
  const query = params.toString()

  return `${url.slice(0, question)}${query === '' ? '' : `?${query}`}`
}

/** An allow-list of request fields for logs: no headers, no body. */
export function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: loggableUrl(request.url),
    remoteAddress: request.ip,
  }
}

const requests = counter('alims_http_requests_total', 'HTTP requests answered', [
  'method',
  'route',
  'status',
])
const durations = histogram(
  'alims_http_request_duration_seconds',
  'Time to answer HTTP requests, in seconds',
  ['method', 'route'],
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
)

/**
 * Logs one line per answered request (method, URL without secrets, status, duration, remote
 * address) and counts it. API requests log at info, static files and probes at debug.
 */
export function registerRequestLog(app: WebApp): void {
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const seconds = reply.elapsedTime / 1000
    // The route pattern, not the URL, keeps label cardinality bounded.
    const route = request.routeOptions.url ?? 'unmatched'
    const status = String(reply.statusCode)
    requests.inc({ method: request.method, route, status })
    durations.observe({ method: request.method, route }, seconds)

    // The logger's req/res serializers (see server.ts) reduce these to allow-listed fields.
    const fields = {
      req: request,
      res: reply,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    }
    if (request.url.startsWith('/api/')) request.log.info(fields, 'request completed')
    else request.log.debug(fields, 'request completed')
    done()
  })
}
