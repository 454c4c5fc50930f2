import { Type } from '@sinclair/typebox'

import {
  alertJson,
  createAlert,
  createNotifier,
  deleteAlert,
  getAlert,
  lastRuns,
  listAlerts,
  listRuns,
  previewAlert,
  runAlertNow,
  searchMatcher,
  sendTestEmail,
  updateAlert,
  validateAlertDefinition,
  type AlertRunnerDeps,
} from '../../alerts/index.js'
import { actorOf, requireRole } from '../plugins/access.js'
import type { RouteModule } from '../web-deps.js'

import {
  AlertBody,
  AlertSchema,
  PreviewBody,
  PreviewSchema,
  RunListQuery,
  RunSchema,
} from './alert-schemas.js'
import { ErrorSchema, GUARDED_ERRORS, IdParams } from './schemas.js'

// Windows end this far behind now, as the scheduler's do (see AlertRunnerDeps.settleMs).
const SETTLE_MS = 5000

/**
 * Alert definitions, manual runs, test emails, previews and run history. Viewers read;
 * editors and admins change alerts, run them and send test emails.
 */
export const alertRoutes: RouteModule = (app, deps) => {
  const tags = ['alerts']
  const { database, config } = deps
  const logger = deps.logger.child({ component: 'alerts' })
  const notifier = createNotifier(config, logger)
  const runner: AlertRunnerDeps = {
    database,
    notifier,
    matcher: searchMatcher(database),
    publicUrl: config.publicUrl,
    logger,
    clock: Date.now,
    settleMs: SETTLE_MS,
  }
  const owner = `web:${process.pid}:manual`
  app.addHook('onClose', () => {
    notifier.close()
  })

  app.get(
    '/api/v1/alerts',
    {
      config: requireRole('viewer'),
      schema: {
        tags,
        summary: 'Every alert, by name',
        response: { 200: Type.Object({ items: Type.Array(AlertSchema) }), ...GUARDED_ERRORS },
      },
    },
    async () => {
      const alerts = await listAlerts(database)
      const runs = await lastRuns(
        database,
        alerts.map((a) => a.id),
      )

      return { items: alerts.map((a) => ({ ...alertJson(a), lastRun: runs.get(a.id) ?? null })) }
    },
  )

  app.post(
    '/api/v1/alerts',
    {
      config: requireRole('editor'),
      schema: {
        tags,
        summary: 'Create an alert; its first run reports what is new from now on',
        body: AlertBody,
        response: { 201: AlertSchema, 400: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request, reply) => {
      const definition = validateAlertDefinition(request.body)
      const alert = await createAlert(database, definition, Date.now(), actorOf(request))
      request.log.info({ alertId: alert.id }, 'alert created')

      return reply.code(201).send(alertJson(alert))
    },
  )

  app.post(
    '/api/v1/alerts/preview',
    {
      config: requireRole('viewer'),
      schema: {
        tags,
        summary:
          'Render a draft: subject, text and HTML against the last 24 hours, and the next five run times',
        body: PreviewBody,
        response: { 200: PreviewSchema, 400: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request) => previewAlert(runner, request.body),
  )

  app.get(
    '/api/v1/alerts/:id',
    {
      config: requireRole('viewer'),
      schema: {
        tags,
        summary: 'One alert',
        params: IdParams,
        response: { 200: AlertSchema, 404: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request) => {
      const alert = await getAlert(database, request.params.id)
      const runs = await lastRuns(database, [alert.id])

      return { ...alertJson(alert), lastRun: runs.get(alert.id) ?? null }
    },
  )

  app.put(
    '/api/v1/alerts/:id',
    {
      config: requireRole('editor'),
      schema: {
        tags,
        summary: 'Change an alert (fields left out keep their value); reschedules it at once',
        params: IdParams,
        body: AlertBody,
        response: { 200: AlertSchema, 400: ErrorSchema, 404: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request) => {
      const current = await getAlert(database, request.params.id)
      const definition = validateAlertDefinition(request.body, current)
      const alert = await updateAlert(
        database,
        current.id,
        definition,
        Date.now(),
        actorOf(request),
      )
      request.log.info({ alertId: alert.id, enabled: alert.enabled }, 'alert changed')

      return alertJson(alert)
    },
  )

  app.delete(
    '/api/v1/alerts/:id',
    {
      config: requireRole('editor'),
      schema: {
        tags,
        summary: 'Delete an alert and its history',
        params: IdParams,
        response: { 204: Type.Null(), 404: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request, reply) => {
      await deleteAlert(database, request.params.id, actorOf(request))
      request.log.info({ alertId: request.params.id }, 'alert deleted')

      return reply.code(204).send(null)
    },
  )

  app.post(
    '/api/v1/alerts/:id/run',
    {
      config: requireRole('editor'),
      schema: {
        tags,
        summary: 'Evaluate now, exactly like a scheduled run (409 while a run is in progress)',
        params: IdParams,
        response: { 200: RunSchema, 404: ErrorSchema, 409: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request) => runAlertNow(runner, request.params.id, owner),
  )

  app.post(
    '/api/v1/alerts/:id/test',
    {
      config: requireRole('editor'),
      schema: {
        tags,
        summary: 'Send a test email to the recipients; changes neither window nor schedule',
        params: IdParams,
        response: { 200: RunSchema, 404: ErrorSchema, ...GUARDED_ERRORS },
      },
    },
    async (request) => sendTestEmail(runner, await getAlert(database, request.params.id)),
  )

  app.get(
    '/api/v1/alerts/:id/history',
    {
      config: requireRole('viewer'),
      schema: {
        tags,
        summary: 'Runs of one alert, newest first',
        params: IdParams,
        querystring: RunListQuery,
        response: {
          200: Type.Object({ items: Type.Array(RunSchema) }),
          404: ErrorSchema,
          ...GUARDED_ERRORS,
        },
      },
    },
    async (request) => {
      const alert = await getAlert(database, request.params.id)

      return { items: await listRuns(database, { ...request.query, alertId: alert.id }) }
    },
  )

  app.get(
    '/api/v1/alert-runs',
    {
      config: requireRole('viewer'),
      schema: {
        tags,
        summary: 'Runs of every alert, newest first',
        querystring: RunListQuery,
        response: { 200: Type.Object({ items: Type.Array(RunSchema) }), ...GUARDED_ERRORS },
      },
    },
    async (request) => ({ items: await listRuns(database, request.query) }),
  )
}
