import { Type } from '@sinclair/typebox'

import { hasRole, parseDuration } from '../../accounts/index.js'
import { AppError } from '../../errors/app-error.js'
import { actorOf, principalOf, requireRole } from '../plugins/access.js'
import type { RouteModule } from '../web-deps.js'

import {
  ErrorSchema,
  GUARDED_ERRORS,
  IdParams,
  RoleSchema,
  TokenSchema,
  tokenJson,
} from './schemas.js'

const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: Type.Optional(RoleSchema),
    expires: Type.Optional(
      Type.Union([Type.String({ pattern: '^\\d{1,6}[mhdwy]$' }), Type.Null()], {
        description: 'lifetime such as 30d, 12h, 2w or 1y; null for a token that does not expire',
      }),
    ),
    accountId: Type.Optional(
      Type.Integer({ minimum: 1, description: 'admins only: create the token for this account' }),
    ),
  },
  { additionalProperties: false },
)

const ListQuery = Type.Object({
  accountId: Type.Optional(Type.Integer({ minimum: 1, description: 'admins only' })),
})

// A token lives 90 days unless the request says otherwise: forgotten tokens should not live forever.
const DEFAULT_EXPIRY = '90d'

/** API tokens: admins manage everyone's, everyone else their own. The secret is shown once. */
export const tokensRoutes: RouteModule = (app, deps) => {
  const tags = ['tokens']

  app.get(
    '/api/v1/tokens',
    {
      config: requireRole('viewer'),
      schema: {
        tags,
        summary: 'Tokens, newest first: all of them for admins, your own otherwise',
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(TokenSchema) }), ...GUARDED_ERRORS },
      },
    },
    async (request) => {
      const principal = principalOf(request)
      const isAdmin = hasRole(principal.role, 'admin')
      const accountId = isAdmin ? request.query.accountId : principal.accountId
      const tokens = await deps.accounts.tokens.list(accountId)

      return { items: tokens.map(tokenJson) }
    },
  )

  app.post(
    '/api/v1/tokens',
    {
      config: requireRole('viewer'),
      schema: {
        tags,
        summary: 'Create a token; the response holds its secret, which is never shown again',
        body: CreateBody,
        response: {
          201: Type.Object({
            token: TokenSchema,
            secret: Type.String({ description: 'send it as Authorization: Bearer SECRET' }),
          }),
          400: ErrorSchema,
          404: ErrorSchema,
          ...GUARDED_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request)
      const accountId = request.body.accountId ?? principal.accountId
      if (accountId !== principal.accountId && !hasRole(principal.role, 'admin')) {
        throw new AppError('FORBIDDEN', 'only admins create tokens for other accounts', {
          status: 403,
        })
      }
      // A token made with a token can't exceed the role in effect for the request either.
      if (request.body.role !== undefined && !hasRole(principal.role, request.body.role)) {
        throw new AppError(
          'VALIDATION_FAILED',
          `role must not exceed your role (${principal.role})`,
          {
            status: 400,
            field: 'role',
          },
        )
      }
      const expires = request.body.expires === undefined ? DEFAULT_EXPIRY : request.body.expires
      const created = await deps.accounts.apiTokens.create(
        {
          name: request.body.name,
          accountId,
          ...(request.body.role === undefined ? {} : { role: request.body.role }),
          expiresInMs: expires === null ? null : parseDuration(expires, 'expires'),
        },
        actorOf(request),
      )

      return reply.code(201).send({ token: tokenJson(created.token), secret: created.secret })
    },
  )

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: requireRole('viewer'),
      schema: {
        tags,
        summary: 'Revoke a token (admins: any token; others: their own)',
        params: IdParams,
        response: { 200: TokenSchema, 404: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request) => {
      const principal = principalOf(request)
      const owner = hasRole(principal.role, 'admin') ? undefined : principal.accountId
      const token = await deps.accounts.apiTokens.revoke(request.params.id, actorOf(request), owner)

      return tokenJson(token)
    },
  )
}
