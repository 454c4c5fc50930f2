import { existsSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import fastifyStatic from '@fastify/static'
import type { FastifyReply, FastifyRequest } from 'fastify'

import type { WebApp } from '../web-deps.js'

import { sendError } from './errors.js'

/** ui/dist, found from this file in src/web/plugins or dist/web/plugins alike. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../../ui/dist', import.meta.url))

/**
 * Serves the built single-page app: its files, and index.html for every other GET that is not
 * an API or docs address, so that /login, /incidents/42 and the rest load the app.
 * Hashed assets are cached for a year; index.html is revalidated every time.
 */
export async function registerStaticUi(app: WebApp, uiDir: string | null): Promise<void> {
  const hasUi = uiDir !== null && existsSync(join(uiDir, 'index.html'))
  if (hasUi) {
    await app.register(fastifyStatic, {
      root: uiDir,
      prefix: '/',
      wildcard: false,
      index: false,
      cacheControl: false,
      setHeaders(reply, path) {
        reply.header(
          'cache-control',
          path.includes(join('/', 'assets', '/'))
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        )
      },
    })
  }

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/'
    const isPage =
      (request.method === 'GET' || request.method === 'HEAD') &&
      !path.startsWith('/api/') &&
      path !== '/api' &&
      !path.startsWith('/docs') &&
      extname(path) === ''
    if (isPage && hasUi) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html')
    }
    if (isPage) {
      return sendError(reply, 404, {
        error: { code: 'UI_NOT_BUILT', message: 'the UI is not built: run npm run build:ui' },
      })
    }

    return sendError(reply, 404, {
      error: { code: 'NOT_FOUND', message: `no route ${request.method} ${path}` },
    })
  })
}
