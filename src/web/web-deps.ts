import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'

import type { AccountServices } from '../accounts/index.js'
import type { Config } from '../config/config.js'
import type { Database } from '../db/database.js'
import type { Logger } from '../observability/logger.js'

/** What the web process is built from; route modules receive it as their second argument. */
export interface WebDeps {
  config: Config
  /** The web component's logger; each request gets a child of it as `request.log`. */
  logger: Logger
  database: Database
  accounts: AccountServices
  /** Folder of the built UI (index.html and assets/); null serves no UI. Defaults to ui/dist. */
  uiDir?: string | null
}

/** The Fastify instance routes are registered on: TypeBox schemas type the handlers' input. */
export type WebApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

/**
 * One file of routes. It receives the app and the deps (config, logger, database, account
 * services) and registers its routes, each with `config: requireRole(...)` or `config: allowAnonymous()`.
 */
export type RouteModule = (app: WebApp, deps: WebDeps) => void | Promise<void>
