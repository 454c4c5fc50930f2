import { existsSync } from 'node:fs'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import fastifyStatic from '@fastify/static'
import type { FastifyReply, FastifyRequest } from 'fastify'

import type { WebApp } from '../web-deps.js'

import { sendError } from './errors.js'

// The nearest folder above `from` that holds a package.json: the project's root, whether this
// module runs from src/web/plugins (tests) or bundled into dist/cli.
function projectRoot(from: string): string {
  for (let dir = from; ;) {
    if (existsSync(join(dir, 'package.json'))) return dir
    const up = dirname(dir)
    if (up === dir) return from
    dir = up
  }
}

/** ui/dist of the project this module belongs to. */
export const DEFAULT_UI_DIR = join(
  projectRoot(dirname(fileURLToPath(import.meta.url))),
  'ui',
  'dist',
)

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
