import { Type } from '@sinclair/typebox'

import { listSources } from '../../ingest/tail/list-sources.js'
import { requireRole } from '../plugins/access.js'
import type { RouteModule } from '../web-deps.js'

import { GUARDED_ERRORS } from './schemas.js'

const Time = Type.String({ format: 'date-time' })

const SourceSchema = Type.Object({
  path: Type.String(),
  identity: Type.String({ description: 'device:inode:headHash of the file last read here' }),
  offset: Type.Integer({ description: 'bytes stored so far' }),
  size: Type.Integer({ description: 'bytes in the file now (or when last read)' }),
  lag: Type.Integer({ description: 'bytes not yet stored: size - offset' }),
  lastEventAt: Type.Union([Time, Type.Null()]),
  linesRead: Type.Integer(),
  events: Type.Integer(),
  skipped: Type.Record(Type.String(), Type.Integer(), {
    description: 'lines or bytes not turned into events, by reason',
  }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  present: Type.Union([Type.Boolean(), Type.Null()], {
    description: 'false when the path no longer holds this file (rotated or deleted)',
  }),
})

/** GET /api/v1/sources: the watched files with progress, lag and errors, and the globs watched. */
export const sourcesRoutes: RouteModule = (app, deps) => {
  app.get(
    '/api/v1/sources',
    {
      config: requireRole('viewer'),
      schema: {
        tags: ['sources'],
        summary: 'Watched log files: offset, size, lag, last event, skipped lines and errors',
        response: {
          200: Type.Object({
            globs: Type.Array(Type.String(), { description: 'ALIMS_LOG_PATHS as configured' }),
            cwd: Type.String({ description: 'the directory relative globs start from' }),
            items: Type.Array(SourceSchema),
          }),
          ...GUARDED_ERRORS,
        },
      },
    },
    async () => {
      const sources = await listSources(deps.database.db)

      return {
        globs: [...deps.config.logPaths],
        cwd: deps.config.cwd,
        items: sources.map((s) => ({
          ...s,
          lastEventAt: s.lastEventAt === null ? null : new Date(s.lastEventAt).toISOString(),
        })),
      }
    },
  )
}
