import { Type } from '@sinclair/typebox'

import { toIncidentJson } from '../../incidents/incident-json.js'
import { incidentStats } from '../../incidents/search/index.js'
import { gauge } from '../../observability/metrics.js'
import { ChangeFeed, type Change } from '../live/change-feed.js'
import { requireRole } from '../plugins/access.js'
import type { RouteModule } from '../web-deps.js'

import { ErrorSchema, GUARDED_ERRORS } from './schemas.js'

const HEARTBEAT_MS = 15_000
/** A client that missed more than this many changes reloads instead of replaying them. */
const MAX_REPLAY = 1000

const streams = gauge('alims_live_streams', 'Open server-sent event streams')

/** Dashboard figures and the live stream of incident changes. */
export const liveRoutes: RouteModule = (app, deps) => {
  const snowBaseUrl = deps.config.serviceNow?.baseUrl ?? null
  const feed = new ChangeFeed({
    database: deps.database,
    logger: deps.logger,
  })
  app.addHook('onReady', async () => {
    await feed.start()
  })
  app.addHook('onClose', async () => {
    await feed.stop()
  })

  async function messages(changes: readonly Change[]): Promise<string> {
    const ids = [...new Set(changes.map((c) => c.incidentId).filter((id) => id !== null))]
    const rows =
      ids.length === 0
        ? []
        : await deps.database.db
            .selectFrom('incidents')
            .selectAll()
            .where('id', 'in', ids)
            .execute()
    const byId = new Map(rows.map((row) => [row.id, toIncidentJson(row, { snowBaseUrl })]))

    return changes
      .map((change) => {
        const incident = change.incidentId === null ? null : (byId.get(change.incidentId) ?? null)
        const data = JSON.stringify({ seq: change.seq, kind: change.kind, incident })

        return `id: ${change.seq}\nevent: incident\ndata: ${data}\n\n`
      })
      .join('')
  }

  app.get(
    '/api/v1/stats',
    {
      config: requireRole('viewer'),
      schema: {
        tags: ['incidents'],
        summary:
          'Counts per severity per time bucket, totals by status, top services and incidents',
        querystring: Type.Object({
          from: Type.Optional(Type.String({ description: 'ISO 8601, epoch ms, now-24h or -7d' })),
          to: Type.Optional(Type.String()),
          bucket: Type.Optional(Type.String({ description: 'bucket size: 5m, 1h, 1d or ms' })),
        }),
        response: {
          200: Type.Unknown({
            description:
              'from, to, bucketMs; series of {start, HIGH, MEDIUM, LOW}; ' +
              'occurrences, byStatus and openBySeverity totals; topServices; topIncidents',
          }),
          400: ErrorSchema,
          ...GUARDED_ERRORS,
        },
      },
    },
    async (request) => incidentStats(deps.database, request.query),
  )

  app.get(
    '/api/v1/stream',
    {
      config: requireRole('viewer'),
      schema: {
        tags: ['incidents'],
        summary: 'Server-sent events: `incident` events as incidents are created or change',
        description:
          'Each event has the change sequence number as its id; ' +
          'a client that reconnects with Last-Event-ID receives what it missed.',
        headers: Type.Object({
          'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
        }),
        response: { 400: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request, reply) => {
      const lastId = request.headers['last-event-id']
      const raw = reply.raw
      reply.hijack()
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (typeof value === 'string') headers[name] = value
      }
      raw.writeHead(200, {
        ...headers,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      })
      raw.write('retry: 2000\n\n')
      streams.inc()

      // Changes that arrive while the replay is read wait in `queue`, so none is lost or doubled.
      let replaying = true
      let lastSent = 0
      const queue: Change[] = []
      const send = async (changes: readonly Change[]): Promise<void> => {
        const fresh = changes.filter((c) => c.seq > lastSent)
        const last = fresh.at(-1)
        if (last === undefined) return

        lastSent = last.seq
        raw.write(await messages(fresh))
      }
      const unsubscribe = feed.subscribe((changes) => {
        if (replaying) {
          queue.push(...changes)

          return
        }
        send(changes).catch((error: unknown) => {
          request.log.warn({ err: error }, 'live update failed')
        })
      })
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS)
      raw.on('close', () => {
        clearInterval(heartbeat)
        unsubscribe()
        streams.dec()
      })

      if (lastId !== undefined) {
        const missed = await feed.since(Number(lastId), MAX_REPLAY + 1)
        if (missed.length > MAX_REPLAY) {
          raw.write(`event: reset\ndata: {"reason":"too many changes missed"}\n\n`)
          lastSent = missed.at(-1)?.seq ?? 0
        } else {
          await send(missed)
        }
      }
      replaying = false
      await send(queue.splice(0))
    },
  )
}
