import { Type } from '@sinclair/typebox'

import { hasRole } from '../../accounts/index.js'
import { MAX_SEARCH_NAME, SavedSearches } from '../../incidents/saved-searches.js'
import { principalOf, requireRole } from '../plugins/access.js'
import type { RouteModule } from '../web-deps.js'

import { ErrorSchema, GUARDED_ERRORS, IdParams } from './schemas.js'

const Time = Type.String({ format: 'date-time' })

const SavedSearchSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  query: Type.String({ description: 'the search language' }),
  ownerId: Type.Integer(),
  owner: Type.Union([Type.String(), Type.Null()]),
  shared: Type.Boolean({ description: 'every account sees it; only the owner or an admin edits' }),
  createdAt: Time,
  updatedAt: Time,
})

const Name = Type.String({ minLength: 1, maxLength: MAX_SEARCH_NAME })
const Query = Type.String({ maxLength: 10_000, description: 'the search language' })

const CreateBody = Type.Object(
  { name: Name, query: Query, shared: Type.Optional(Type.Boolean({ default: false })) },
  { additionalProperties: false },
)

const UpdateBody = Type.Object(
  {
    name: Type.Optional(Name),
    query: Type.Optional(Query),
    shared: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
)

/** Saved searches: everyone lists their own and the shared ones; owners and admins change them. */
export const searchesRoutes: RouteModule = (app, deps) => {
  const searches = new SavedSearches(deps.database)
  const tags = ['searches']

  app.get(
    '/api/v1/searches',
    {
      config: requireRole('viewer'),
      schema: {
        tags,
        summary: 'Your saved searches and those others share, by name',
        response: {
          200: Type.Object({ items: Type.Array(SavedSearchSchema) }),
          ...GUARDED_ERRORS,
        },
      },
    },
    async (request) => ({ items: await searches.list(principalOf(request).accountId) }),
  )

  app.post(
    '/api/v1/searches',
    {
      config: requireRole('viewer'),
      schema: {
        tags,
        summary: 'Save a search (the query is checked first)',
        body: CreateBody,
        response: {
          201: SavedSearchSchema,
          400: ErrorSchema,
          409: ErrorSchema,
          ...GUARDED_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const { name, query, shared = false } = request.body
      const saved = await searches.create(principalOf(request).accountId, { name, query, shared })

      return reply.code(201).send(saved)
    },
  )

  app.get(
    '/api/v1/searches/:id',
    {
      config: requireRole('viewer'),
      schema: {
        tags,
        summary: 'One saved search you own or that is shared',
        params: IdParams,
        response: { 200: SavedSearchSchema, 404: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request) => searches.get(request.params.id, principalOf(request).accountId),
  )

  app.put(
    '/api/v1/searches/:id',
    {
      config: requireRole('viewer'),
      schema: {
        tags,
        summary: 'Rename, change the query or share a saved search (owner or admin)',
        params: IdParams,
        body: UpdateBody,
        response: {
          200: SavedSearchSchema,
          400: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
          ...GUARDED_ERRORS,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request)

      return searches.update(
        request.params.id,
        { accountId: principal.accountId, isAdmin: hasRole(principal.role, 'admin') },
        request.body,
      )
    },
  )

  app.delete(
    '/api/v1/searches/:id',
    {
      config: requireRole('viewer'),
      schema: {
        tags,
        summary: 'Delete a saved search (owner or admin)',
        params: IdParams,
        response: { 204: Type.Null(), 404: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request)
      await searches.remove(request.params.id, {
        accountId: principal.accountId,
        isAdmin: hasRole(principal.role, 'admin'),
      })

      return reply.code(204).send(null)
    },
  )
}
