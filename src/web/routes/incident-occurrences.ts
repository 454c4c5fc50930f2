import { Type } from '@sinclair/typebox'

import { incidentOccurrences } from '../../incidents/incident-occurrences.js'
import { requireRole } from '../plugins/access.js'
import type { RouteModule } from '../web-deps.js'

import { ErrorSchema, GUARDED_ERRORS, IdParams } from './schemas.js'

const Time = Type.String({ format: 'date-time' })

/** GET /api/v1/incidents/:id/occurrences: one incident's occurrences per time bucket. */
export const incidentOccurrencesRoutes: RouteModule = (app, deps) => {
  app.get(
    '/api/v1/incidents/:id/occurrences',
    {
      config: requireRole('viewer'),
      schema: {
        tags: ['incidents'],
        summary: 'Occurrences of one incident per time bucket (about 120 buckets), for its chart',
        params: IdParams,
        querystring: Type.Object({
          from: Type.Optional(
            Type.String({
              maxLength: 64,
              description: 'ISO 8601, epoch ms or -7d; default: first seen (30 days at most)',
            }),
          ),
          to: Type.Optional(Type.String({ maxLength: 64, description: 'default: now' })),
        }),
        response: {
          200: Type.Object({
            from: Time,
            to: Time,
            bucketMs: Type.Integer(),
            total: Type.Integer(),
            series: Type.Array(Type.Object({ start: Time, count: Type.Integer() })),
          }),
          400: ErrorSchema,
          404: ErrorSchema,
          ...GUARDED_ERRORS,
        },
      },
    },
    async (request) => incidentOccurrences(deps.database, request.params.id, request.query),
  )
}
