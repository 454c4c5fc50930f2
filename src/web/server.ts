import cookie from '@fastify/cookie'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import fastify, { LogController, type FastifyBaseLogger } from 'fastify'

import type { Config } from '../config/config.js'

import { registerAccessControl } from './plugins/access.js'
import { registerApiDocs } from './plugins/api-docs.js'
import { registerErrorHandler } from './plugins/errors.js'
import { registerRateLimit } from './plugins/rate-limit.js'
import { registerRequestLog, serializeRequest } from './plugins/request-log.js'
import { registerSecurityHeaders } from './plugins/security-headers.js'
import { DEFAULT_UI_DIR, registerStaticUi } from './plugins/static-ui.js'
import { registerRoutes } from './routes/index.js'

import type { WebApp, WebDeps } from './web-deps.js'

/** Options that only tests and embedders change. */
export interface BuildOptions {
  /** Secret for signed cookies (see loadSessionSecret); random per process when absent. */
  cookieSecret?: string
  /** Largest accepted request body, in bytes (default 1 MiB). */
  bodyLimit?: number
}

/**
 * Builds the web app without listening: plugins (errors, cookies, security headers, access
 * control, request log, OpenAPI), the routes and the UI. Use `app.inject` or `app.listen`.
 */
function trustProxyOption(
  setting: Config['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting

  return typeof setting === 'object' ? [...setting] : setting
}

export async function buildServer(deps: WebDeps, options: BuildOptions = {}): Promise<WebApp> {
  const logger: FastifyBaseLogger = deps.logger.child(
    { component: 'web' },
    {
      serializers: {
        req: serializeRequest,
        res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
      },
    },
  )
  const app = fastify({
    loggerInstance: logger,
    // The request log plugin writes one allow-listed line per request instead.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    // Behind a reverse proxy request.ip is the proxy's unless it is trusted (ALIMS_TRUST_PROXY);
    // login throttling by address depends on it.
    trustProxy: trustProxyOption(deps.config.trustProxy),
    // Client-chosen request ids would let anyone forge log correlation.
    requestIdHeader: false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  registerErrorHandler(app)
  await app.register(cookie, {
    secret: options.cookieSecret ?? crypto.randomUUID(),
    parseOptions: {},
  })
  await registerSecurityHeaders(app, deps.config)
  // Before access control: a flood is refused before any session is looked up.
  await registerRateLimit(app, deps.config.apiRateLimit)
  registerAccessControl(app, deps)
  registerRequestLog(app)
  await registerApiDocs(app, deps.config)
  await registerRoutes(app, deps)
  await registerStaticUi(app, deps.uiDir === undefined ? DEFAULT_UI_DIR : deps.uiDir)

  return app
}
