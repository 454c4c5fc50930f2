import type { FastifyReply, FastifyRequest } from 'fastify'

import type { AccountServices, Principal } from '../../accounts/index.js'
import type { Config } from '../../config/config.js'
import { AppError } from '../../errors/app-error.js'

/** The session cookie's name. */
export const SESSION_COOKIE = 'alims_session'

/**
 * Finds who a request acts as: a Bearer token in `Authorization`, else the session cookie.
 * A malformed or unusable token is an error (scripts must notice); a stale cookie is just absent.
 */
export async function authenticate(
  request: FastifyRequest,
  accounts: AccountServices,
): Promise<Principal | null> {
  const header = request.headers.authorization
  if (header !== undefined) {
    const match = /^Bearer +(\S+)$/i.exec(header.trim())
    const principal =
      match?.[1] === undefined ? null : await accounts.login.authenticateToken(match[1])
    if (principal === null) {
      throw new AppError(
        'UNAUTHENTICATED',
        'the API token is malformed, unknown, expired or revoked: send Authorization: Bearer alims_…',
        { status: 401 },
      )
    }

    return principal
  }

  const sessionId = request.cookies[SESSION_COOKIE]
  if (sessionId === undefined || sessionId === '') return null

  return accounts.login.authenticateSession(sessionId)
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure when the public URL is https. */
export function setSessionCookie(
  reply: FastifyReply,
  config: Config,
  sessionId: string,
  expiresAt: number,
): void {
  reply.setCookie(SESSION_COOKIE, sessionId, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl.startsWith('https:'),
    expires: new Date(expiresAt),
  })
}

/** Tells the browser to forget the session cookie. */
export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl.startsWith('https:'),
  })
}
