import { sql } from 'kysely'
import { Type } from '@sinclair/typebox'

import { collectProcessMetrics, registry } from '../../observability/metrics.js'
import { allowAnonymous } from '../plugins/access.js'
import type { RouteModule } from '../web-deps.js'

/** GET /healthz (the database answers) and GET /metrics (Prometheus text format). */
export const healthRoutes: RouteModule = (app, deps) => {
  collectProcessMetrics()

  app.get(
    '/healthz',
    {
      config: allowAnonymous(),
      schema: {
        tags: ['operations'],
        summary: 'Liveness: 200 when the database answers, 503 when it does not',
        response: {
          200: Type.Object({ status: Type.Literal('ok'), database: Type.String() }),
          503: Type.Object({ status: Type.Literal('error'), database: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      try {
        await sql`select 1`.execute(deps.database.db)

        return await reply.send({ status: 'ok' as const, database: deps.database.dialect })
      } catch (error) {
        request.log.warn({ err: error }, 'health check failed')

        return reply.code(503).send({ status: 'error' as const, database: deps.database.dialect })
      }
    },
  )

  app.get(
    '/metrics',
    {
      config: allowAnonymous(),
      schema: { tags: ['operations'], summary: 'Prometheus metrics of this process' },
    },
    async (_request, reply) => {
      const text = await registry.metrics()

      return reply.type(registry.contentType).send(text)
    },
  )
}
