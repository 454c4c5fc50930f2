import { Type } from '@sinclair/typebox'

import type { Tx } from '../../db/database.js'
import { AppError } from '../../errors/app-error.js'
import { listIncidentEvents } from '../../incidents/incident-events.js'
import { toIncidentJson } from '../../incidents/incident-json.js'
import {
  changeIncidentStatus,
  statusHistory,
  type StatusHooks,
} from '../../incidents/incident-status.js'
import { searchIncidents } from '../../incidents/search/index.js'
import { enqueueTicketWork, ticketPolicy } from '../../tickets/index.js'
import { principalOf, requireRole } from '../plugins/access.js'
import type { RouteModule } from '../web-deps.js'

import {
  HistoryEntrySchema,
  IncidentEventSchema,
  IncidentPageSchema,
  IncidentSchema,
  SearchQuerySchema,
  StatusSchema,
} from './incident-schemas.js'
import { ErrorSchema, GUARDED_ERRORS, IdParams } from './schemas.js'

const StatusBody = Type.Object({
  status: StatusSchema,
  reason: Type.Optional(Type.String({ maxLength: 1000 })),
})

/** Incidents: search, one incident with its history, status changes, stored samples. */
export const incidentsRoutes: RouteModule = (app, deps) => {
  const snowBaseUrl = deps.config.serviceNow?.baseUrl ?? null
  const policy = ticketPolicy(deps.config)
  // Resolving an incident in alims resolves its ticket too, when configured.
  const hooks: StatusHooks = {
    async statusChanged(tx: Tx, change, now) {
      if (change.to !== 'resolved') return

      await enqueueTicketWork(tx, { incidentId: change.incidentId, kind: 'resolve', now }, policy)
    },
  }

  async function load(id: number) {
    const row = await deps.database.db
      .selectFrom('incidents')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (row === undefined) {
      throw new AppError('NOT_FOUND', `incident ${id} does not exist`, { status: 404 })
    }

    return toIncidentJson(row, { snowBaseUrl })
  }

  app.get(
    '/api/v1/incidents',
    {
      config: requireRole('viewer'),
      schema: {
        tags: ['incidents'],
        summary: 'Search incidents, newest activity first',
        querystring: SearchQuerySchema,
        response: { 200: IncidentPageSchema, 400: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request) => searchIncidents(deps.database, { ...request.query, snowBaseUrl }),
  )

  app.get(
    '/api/v1/incidents/:id',
    {
      config: requireRole('viewer'),
      schema: {
        tags: ['incidents'],
        summary: 'One incident with its status history',
        params: IdParams,
        response: {
          200: Type.Intersect([
            IncidentSchema,
            Type.Object({ history: Type.Array(HistoryEntrySchema) }),
          ]),
          404: ErrorSchema,
          ...GUARDED_ERRORS,
        },
      },
    },
    async (request) => {
      const incident = await load(request.params.id)

      return { ...incident, history: await statusHistory(deps.database, incident.id) }
    },
  )

  app.patch(
    '/api/v1/incidents/:id',
    {
      config: requireRole('editor'),
      schema: {
        tags: ['incidents'],
        summary: 'Change the status of an incident',
        params: IdParams,
        body: StatusBody,
        response: { 200: IncidentSchema, 400: ErrorSchema, 404: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request) => {
      const { status, reason } = request.body
      await changeIncidentStatus(
        deps.database,
        [request.params.id],
        { status: status, actor: principalOf(request).username, reason: reason ?? null },
        hooks,
      )

      return load(request.params.id)
    },
  )

  app.post(
    '/api/v1/incidents/status',
    {
      config: requireRole('editor'),
      schema: {
        tags: ['incidents'],
        summary: 'Change the status of several incidents at once (all or none)',
        body: Type.Object({
          ids: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 500 }),
          status: StatusSchema,
          reason: Type.Optional(Type.String({ maxLength: 1000 })),
        }),
        response: {
          200: Type.Object({
            changed: Type.Array(Type.Integer()),
            unchanged: Type.Array(Type.Integer()),
          }),
          400: ErrorSchema,
          404: ErrorSchema,
          ...GUARDED_ERRORS,
        },
      },
    },
    async (request) => {
      const { ids, status, reason } = request.body
      const results = await changeIncidentStatus(
        deps.database,
        ids,
        { status: status, actor: principalOf(request).username, reason: reason ?? null },
        hooks,
      )

      return {
        changed: results.filter((r) => r.changed).map((r) => r.id),
        unchanged: results.filter((r) => !r.changed).map((r) => r.id),
      }
    },
  )

  app.get(
    '/api/v1/incidents/:id/events',
    {
      config: requireRole('viewer'),
      schema: {
        tags: ['incidents'],
        summary: 'The stored sample events of an incident, oldest first',
        params: IdParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(IncidentEventSchema),
            next: Type.Union([Type.String(), Type.Null()]),
          }),
          404: ErrorSchema,
          ...GUARDED_ERRORS,
        },
      },
    },
    async (request) => {
      const { limit = 50, cursor } = request.query

      return listIncidentEvents(deps.database, request.params.id, {
        limit,
        ...(cursor === undefined ? {} : { after: Number(cursor) }),
      })
    },
  )
}
