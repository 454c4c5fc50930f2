import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'

import { SESSION_COOKIE } from './auth.js'
import type { Config } from '../../config/config.js'
import type { WebApp } from '../web-deps.js'

/**
 * The OpenAPI description, generated from the route schemas: JSON at /docs/json, the browsable
 * Swagger UI at /docs. Register before the routes so that every route is collected.
 */
export async function registerApiDocs(app: WebApp, config: Config): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'alims API',
        version: '1',
        description:
          'Log and incident management. Authenticate with the session cookie (browser; ' +
          'state-changing requests also need the x-csrf-token header) or with Authorization: ' +
          'Bearer TOKEN. Errors are {error: {code, message}}.',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { validatorUrl: null, deepLinking: false },
    staticCSP: true,
    // Swagger UI's own policy, tightened to ours: no framing, no remote styles or validator.
    transformStaticCSP: (header) =>
      header
        .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
        .replace(/ https:/g, '')
        .replace(' validator.swagger.io', '')
        .replace(config.publicUrl.startsWith('https:') ? /$^/ : ' upgrade-insecure-requests;', ''),
  })
}
