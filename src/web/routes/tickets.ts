import { Type } from '@sinclair/typebox'

import { listOutbox, retryNow, testConnection } from '../../tickets/index.js'
import { actorOf, requireRole } from '../plugins/access.js'
import type { RouteModule } from '../web-deps.js'

import { ErrorSchema, GUARDED_ERRORS, IdParams } from './schemas.js'

const Time = Type.String({ format: 'date-time' })
const OutboxState = Type.Union([
  Type.Literal('pending'),
  Type.Literal('sending'),
  Type.Literal('done'),
  Type.Literal('failed'),
])

const OutboxItem = Type.Object({
  id: Type.Integer(),
  incidentId: Type.Integer(),
  incidentTitle: Type.String(),
  kind: Type.Union([Type.Literal('create'), Type.Literal('note'), Type.Literal('resolve')]),
  state: OutboxState,
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Time, Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Time,
  updatedAt: Time,
})

const Counts = Type.Object({
  pending: Type.Integer(),
  sending: Type.Integer(),
  done: Type.Integer(),
  failed: Type.Integer(),
})

const ConnectionReport = Type.Object({
  configured: Type.Boolean(),
  ok: Type.Boolean(),
  instance: Type.Union([Type.String(), Type.Null()]),
  checks: Type.Array(
    Type.Object({
      name: Type.Union([Type.Literal('auth'), Type.Literal('table'), Type.Literal('role')]),
      ok: Type.Boolean(),
      detail: Type.String(),
    }),
  ),
})

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

function itemJson(item: Awaited<ReturnType<typeof retryNow>>) {
  return {
    ...item,
    nextAttemptAt: item.nextAttemptAt === null ? null : iso(item.nextAttemptAt),
    createdAt: iso(item.createdAt),
    updatedAt: iso(item.updatedAt),
  }
}

/** The ServiceNow admin API: the ticket outbox, retrying a row, and the connection test. */
export const ticketsRoutes: RouteModule = (app, deps) => {
  const tags = ['tickets']

  app.get(
    '/api/v1/tickets/outbox',
    {
      config: requireRole('admin'),
      schema: {
        tags,
        summary: 'Ticket outbox rows, newest first, with counts per state',
        querystring: Type.Object({
          state: Type.Optional(OutboxState),
          before: Type.Optional(Type.Integer({ minimum: 1, description: 'the `next` of a page' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        }),
        response: {
          200: Type.Object({
            configured: Type.Boolean({ description: 'false when SNOW_INSTANCE is not set' }),
            items: Type.Array(OutboxItem),
            counts: Counts,
            next: Type.Union([Type.Integer(), Type.Null()]),
          }),
          ...GUARDED_ERRORS,
        },
      },
    },
    async (request) => {
      const { state, before, limit } = request.query
      const page = await listOutbox(deps.database.db, {
        ...(state === undefined ? {} : { state }),
        ...(before === undefined ? {} : { before }),
        ...(limit === undefined ? {} : { limit }),
      })

      return {
        configured: deps.config.serviceNow !== null,
        items: page.items.map(itemJson),
        counts: page.counts,
        next: page.next,
      }
    },
  )

  app.post(
    '/api/v1/tickets/outbox/:id/retry',
    {
      config: requireRole('admin'),
      schema: {
        tags,
        summary: 'Make a failed or waiting outbox row due now',
        params: IdParams,
        response: { 200: OutboxItem, 404: ErrorSchema, 409: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request) => {
      const item = await retryNow(deps.database, request.params.id, actorOf(request))
      request.log.info({ outboxId: item.id, incidentId: item.incidentId }, 'ticket retry requested')

      return itemJson(item)
    },
  )

  app.post(
    '/api/v1/tickets/connection-test',
    {
      config: requireRole('admin'),
      schema: {
        tags,
        summary: 'Test the ServiceNow connection: credentials, incident table access, itil role',
        response: { 200: ConnectionReport, ...GUARDED_ERRORS },
      },
    },
    async () => testConnection(deps.config.serviceNow),
  )
}
