import helmet from '@fastify/helmet'

import type { Config } from '../../config/config.js'
import type { WebApp } from '../web-deps.js'

/**
 * Security headers on every response: a CSP that allows only our own scripts and styles (no
 * 'unsafe-inline'), no framing, nosniff, and no referrer sent to other sites. HSTS and
 * upgrade-insecure-requests only when the public URL is https.
 */
export async function registerSecurityHeaders(app: WebApp, config: Config): Promise<void> {
  const https = config.publicUrl.startsWith('https:')
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  })
}
