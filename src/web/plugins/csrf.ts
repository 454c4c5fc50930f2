import type { FastifyRequest } from 'fastify'

import { safeEqual, type SessionPrincipal } from '../../accounts/index.js'
import type { Config } from '../../config/config.js'
import { AppError } from '../../errors/app-error.js'

/** The header that carries the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** True for methods that may change state. */
export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase())
}

function csrfFailed(message: string): AppError {
  return new AppError('CSRF_FAILED', message, { status: 403 })
}

// The page's origin from Origin, or from Referer when a privacy filter dropped Origin.
function requestOrigin(request: FastifyRequest): string | null {
  const origin = request.headers.origin
  if (origin !== undefined && origin !== 'null') return origin

  const referer = request.headers.referer
  if (referer === undefined) return null

  try {
    return new URL(referer).origin
  } catch {
    return null
  }
}

/**
 * Checks that a state-changing request comes from our own pages: its Origin must be the public
 * URL's origin or the origin of the Host it was sent to. `required` false lets requests without
 * any Origin through (the login form's cross-site case is still refused).
 */
export function checkOrigin(request: FastifyRequest, config: Config, required: boolean): void {
  const origin = requestOrigin(request)
  if (origin === null) {
    if (required) throw csrfFailed('the request has no Origin header: send it from the alims UI')

    return
  }

  const allowed = new Set([new URL(config.publicUrl).origin])
  allowed.add(`${request.protocol}://${request.host}`)
  if (!allowed.has(origin)) {
    throw csrfFailed('the request comes from a foreign origin: use the alims UI or an API token')
  }
}

/** For a cookie-authenticated request that changes state: a matching Origin and the session's CSRF token. */
export function checkCsrf(request: FastifyRequest, principal: SessionPrincipal, config: Config) {
  checkOrigin(request, config, true)
  const header = request.headers[CSRF_HEADER]
  const token = Array.isArray(header) ? header[0] : header
  if (token === undefined || !safeEqual(token, principal.csrfToken)) {
    throw csrfFailed(`the ${CSRF_HEADER} header is missing or wrong: read it from GET /api/v1/me`)
  }
}
