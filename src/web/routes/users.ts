import { Type } from '@sinclair/typebox'

import { AppError } from '../../errors/app-error.js'
import { actorOf, requireRole } from '../plugins/access.js'
import type { RouteModule } from '../web-deps.js'

import {
  AccountSchema,
  accountJson,
  ErrorSchema,
  GUARDED_ERRORS,
  IdParams,
  RoleSchema,
} from './schemas.js'

const CreateBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    email: Type.Optional(Type.Union([Type.String({ maxLength: 254 }), Type.Null()])),
    role: RoleSchema,
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
)

const UpdateBody = Type.Object(
  {
    email: Type.Optional(Type.Union([Type.String({ maxLength: 254 }), Type.Null()])),
    role: Type.Optional(RoleSchema),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
)

const PasswordBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
)

/** Account management, for admins: list, create, change role/email/disabled, reset a password. */
export const usersRoutes: RouteModule = (app, deps) => {
  const users = deps.accounts.users
  const tags = ['users']

  app.get(
    '/api/v1/users',
    {
      config: requireRole('admin'),
      schema: {
        tags,
        summary: 'All accounts, by username',
        response: { 200: Type.Object({ items: Type.Array(AccountSchema) }), ...GUARDED_ERRORS },
      },
    },
    async () => ({ items: (await deps.accounts.accounts.list()).map(accountJson) }),
  )

  app.get(
    '/api/v1/users/:id',
    {
      config: requireRole('admin'),
      schema: {
        tags,
        summary: 'One account',
        params: IdParams,
        response: { 200: AccountSchema, 404: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request) => {
      const account = await deps.accounts.accounts.findById(request.params.id)
      if (account === null) {
        throw new AppError('NOT_FOUND', `account ${request.params.id} does not exist`, {
          status: 404,
        })
      }

      return accountJson(account)
    },
  )

  app.post(
    '/api/v1/users',
    {
      config: requireRole('admin'),
      schema: {
        tags,
        summary: 'Create an account',
        body: CreateBody,
        response: { 201: AccountSchema, 400: ErrorSchema, 409: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request, reply) => {
      const account = await users.create(request.body, actorOf(request))

      return reply.code(201).send(accountJson(account))
    },
  )

  app.patch(
    '/api/v1/users/:id',
    {
      config: requireRole('admin'),
      schema: {
        tags,
        summary: 'Change the email, role or disabled flag; disabling ends the sessions',
        params: IdParams,
        body: UpdateBody,
        response: {
          200: AccountSchema,
          400: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
          ...GUARDED_ERRORS,
        },
      },
    },
    async (request) =>
      accountJson(await users.update(request.params.id, request.body, actorOf(request))),
  )

  app.put(
    '/api/v1/users/:id/password',
    {
      config: requireRole('admin'),
      schema: {
        tags,
        summary: "Set an account's password; ends all of its sessions",
        params: IdParams,
        body: PasswordBody,
        response: { 204: Type.Null(), 400: ErrorSchema, 404: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request, reply) => {
      await users.resetPassword(request.params.id, request.body.password, actorOf(request))

      return reply.code(204).send(null)
    },
  )
}
