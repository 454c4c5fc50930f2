import { Type } from '@sinclair/typebox'

import { requireRole } from '../plugins/access.js'
import type { RouteModule } from '../web-deps.js'

import { GUARDED_ERRORS } from './schemas.js'

const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actorId: Type.Union([Type.Integer(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
})

/** GET /api/v1/audit: the security audit log, newest first, for admins. */
export const auditRoutes: RouteModule = (app, deps) => {
  app.get(
    '/api/v1/audit',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['users'],
        summary: 'Security audit log, newest first',
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          action: Type.Optional(Type.String({ maxLength: 64 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(AuditEntry) }), ...GUARDED_ERRORS },
      },
    },
    async (request) => {
      const rows = await deps.accounts.audit.list({
        ...(request.query.limit === undefined ? {} : { limit: request.query.limit }),
        ...(request.query.action === undefined ? {} : { action: request.query.action }),
      })

      return { items: rows.map((row) => ({ ...row, at: new Date(row.at).toISOString() })) }
    },
  )
}
