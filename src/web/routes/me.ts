import { Type } from '@sinclair/typebox'

import { AppError } from '../../errors/app-error.js'
import { actorOf, principalOf, requireRole } from '../plugins/access.js'
import { setSessionCookie } from '../plugins/auth.js'
import type { RouteModule } from '../web-deps.js'

import { AccountSchema, accountJson, ErrorSchema, GUARDED_ERRORS, RoleSchema } from './schemas.js'

const MeResponse = Type.Object({
  account: AccountSchema,
  role: RoleSchema,
  via: Type.Union([Type.Literal('session'), Type.Literal('token')]),
  csrfToken: Type.Union([Type.String(), Type.Null()], {
    description: 'the session CSRF token (null for API tokens, which need none)',
  }),
})

const PasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    newPassword: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
)

/** GET /api/v1/me (who am I, and the CSRF token) and PUT /api/v1/me/password. */
export const meRoutes: RouteModule = (app, deps) => {
  app.get(
    '/api/v1/me',
    {
      config: requireRole('viewer'),
      schema: {
        tags: ['session'],
        summary: 'The logged-in account, its effective role and the CSRF token',
        response: { 200: MeResponse, ...GUARDED_ERRORS },
      },
    },
    async (request) => {
      const principal = principalOf(request)
      const account = await deps.accounts.accounts.findById(principal.accountId)
      if (account === null) {
        throw new AppError('UNAUTHENTICATED', 'the account no longer exists', { status: 401 })
      }

      return {
        account: accountJson(account),
        role: principal.role,
        via: principal.via,
        csrfToken: principal.via === 'session' ? principal.csrfToken : null,
      }
    },
  )

  app.put(
    '/api/v1/me/password',
    {
      config: requireRole('viewer'),
      schema: {
        tags: ['session'],
        summary:
          'Change your own password: ends all your sessions, and starts a fresh one for this browser',
        body: PasswordBody,
        response: {
          200: Type.Object({ csrfToken: Type.Union([Type.String(), Type.Null()]) }),
          400: ErrorSchema,
          ...GUARDED_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request)
      await deps.accounts.users.changeOwnPassword(
        principal.accountId,
        request.body.currentPassword,
        request.body.newPassword,
        actorOf(request),
      )
      if (principal.via !== 'session') return { csrfToken: null }

      const session = await deps.accounts.sessions.create(principal.accountId, {
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      })
      setSessionCookie(reply, deps.config, session.id, session.expiresAt)

      return { csrfToken: session.csrfToken }
    },
  )
}
