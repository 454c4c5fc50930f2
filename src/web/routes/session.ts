import { Type } from '@sinclair/typebox'

import { AppError } from '../../errors/app-error.js'
import { actorOf, allowAnonymous, principalOf, requireRole } from '../plugins/access.js'
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../plugins/auth.js'
import type { RouteModule } from '../web-deps.js'

import { AccountSchema, accountJson, ErrorSchema, GUARDED_ERRORS } from './schemas.js'

const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 128 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
)

export const SessionResponse = Type.Object({
  account: AccountSchema,
  csrfToken: Type.String({
    description: 'send it as x-csrf-token on every state-changing request',
  }),
  expiresAt: Type.String({ format: 'date-time' }),
})

/** POST /api/v1/session logs in (sets the HttpOnly cookie); DELETE logs out. */
export const sessionRoutes: RouteModule = (app, deps) => {
  app.post(
    '/api/v1/session',
    {
      config: allowAnonymous(),
      schema: {
        tags: ['session'],
        summary: 'Log in: sets the alims_session cookie and returns the CSRF token',
        security: [],
        body: LoginBody,
        response: { 200: SessionResponse, 400: ErrorSchema, 401: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { account, session } = await deps.accounts.login.login(
        request.body.username,
        request.body.password,
        { ip: request.ip, userAgent: request.headers['user-agent'] ?? null },
      )
      // A fresh id at every login: whatever session the browser held before is ended.
      const previous = request.cookies[SESSION_COOKIE]
      if (previous !== undefined && previous !== '') {
        const old = await deps.accounts.sessions.resolve(previous)
        if (old !== null) await deps.accounts.sessions.delete(old.key)
      }
      setSessionCookie(reply, deps.config, session.id, session.expiresAt)

      return {
        account: accountJson(account),
        csrfToken: session.csrfToken,
        expiresAt: new Date(session.expiresAt).toISOString(),
      }
    },
  )

  app.delete(
    '/api/v1/session',
    {
      config: requireRole('viewer'),
      schema: {
        tags: ['session'],
        summary: 'Log out: ends the session on the server and clears the cookie',
        response: { 204: Type.Null(), 400: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request)
      if (principal.via !== 'session') {
        throw new AppError(
          'VALIDATION_FAILED',
          'an API token has no session to end: revoke the token with DELETE /api/v1/tokens/:id',
          { status: 400 },
        )
      }
      await deps.accounts.login.logout(principal, actorOf(request).ip)
      clearSessionCookie(reply, deps.config)

      return reply.code(204).send(null)
    },
  )
}
