import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import { AppError } from '../errors/app-error.js'

import type { Logger } from './logger.js'
import { collectProcessMetrics, registry } from './metrics.js'

export interface MetricsListenerOptions {
  host: string
  /** 0 picks a free port (tests). */
  port: number
  logger: Logger
  /** Resolves true when the process can do its work (the database answers). */
  isHealthy(): Promise<boolean>
}

/** A running listener: its bound port, and how to stop it. */
export interface MetricsListener {
  port: number
  close(): Promise<void>
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  })
  response.end(body)
}

/**
 * Serves `GET /metrics` (Prometheus text) and `GET /healthz` for a process without the web
 * server, the worker. Nothing else: every other path is 404 and every other method 405.
 */
export async function startMetricsListener(
  options: MetricsListenerOptions,
): Promise<MetricsListener> {
  collectProcessMetrics()
  const log = options.logger.child({ component: 'metrics-listener' })

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0]
    if (path !== '/metrics' && path !== '/healthz') {
      send(response, 404, 'text/plain; charset=utf-8', 'not found: try /metrics or /healthz\n')

      return
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD')
      send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n')

      return
    }
    if (path === '/metrics') {
      send(response, 200, registry.contentType, await registry.metrics())

      return
    }

    const healthy = await options.isHealthy().catch(() => false)
    send(
      response,
      healthy ? 200 : 503,
      'application/json',
      JSON.stringify({ status: healthy ? 'ok' : 'error' }),
    )
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log.warn({ err: error }, 'metrics request failed')
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'error\n')
      else response.destroy()
    })
  })
  server.requestTimeout = 10_000
  server.headersTimeout = 5_000

  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException): void => {
      reject(
        new AppError(
          'LISTEN_FAILED',
          `cannot serve metrics on ${options.host}:${options.port}: ${error.code ?? error.message}`,
          { cause: error },
        ),
      )
    }
    server.once('error', fail)
    server.listen(options.port, options.host, () => {
      server.off('error', fail)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  log.info({ host: options.host, port }, 'serving /metrics and /healthz')

  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
        server.closeAllConnections()
      }),
  }
}
