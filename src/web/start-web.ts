import { createAccountServices } from '../accounts/index.js'
import type { Config } from '../config/config.js'
import type { Database } from '../db/database.js'
import type { Logger } from '../observability/logger.js'

import { buildServer } from './server.js'
import { loadSessionSecret } from './session-secret.js'
import type { WebApp } from './web-deps.js'

/** A listening web server and how to stop it. */
export interface RunningWeb {
  app: WebApp
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  url: string
  /** Stops accepting connections, lets open requests finish, and stops the housekeeping timer. */
  close(): Promise<void>
}

// Expired sessions are removed this often; a stale row is refused on use anyway.
const PURGE_INTERVAL_MS = 60 * 60 * 1000

/** Builds the web app over an open, migrated database and listens on config.host:config.port. */
export async function startWeb(
  config: Config,
  logger: Logger,
  database: Database,
): Promise<RunningWeb> {
  const accounts = createAccountServices(database)
  const app = await buildServer(
    { config, logger, database, accounts },
    { cookieSecret: loadSessionSecret(config) },
  )
  await app.listen({ host: config.host, port: config.port })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : config.port
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  const url = `http://${host}:${port}`
  app.log.info({ url, publicUrl: config.publicUrl, db: database.displayUrl }, 'web listening')

  const purge = setInterval(() => {
    accounts.sessions.purgeExpired().then(
      (removed) => {
        if (removed > 0) app.log.debug({ removed }, 'expired sessions removed')
      },
      (error: unknown) => {
        app.log.warn({ err: error }, 'expired session purge failed')
      },
    )
  }, PURGE_INTERVAL_MS)
  purge.unref()

  return {
    app,
    url,
    async close() {
      clearInterval(purge)
      await app.close()
    },
  }
}
