import type { RouteModule, WebApp, WebDeps } from '../web-deps.js'

import { alertRoutes } from './alerts.js'
import { auditRoutes } from './audit.js'
import { healthRoutes } from './health.js'
import { incidentOccurrencesRoutes } from './incident-occurrences.js'
import { incidentsRoutes } from './incidents.js'
import { liveRoutes } from './live.js'
import { meRoutes } from './me.js'
import { searchesRoutes } from './searches.js'
import { sessionRoutes } from './session.js'
import { sourcesRoutes } from './sources.js'
import { ticketsRoutes } from './tickets.js'
import { tokensRoutes } from './tokens.js'
import { usersRoutes } from './users.js'

/*
 * Every route file of the web process. To add routes:
 *   1. create src/web/routes/<feature>.ts exporting `export const fooRoutes: RouteModule = (app, deps) => { … }`;
 *   2. give every route `config: requireRole('viewer' | 'editor' | 'admin')` or `config: allowAnonymous()`
 *      (from ../plugins/access.js) — an /api route without it fails at start-up;
 *   3. describe params, querystring, body and responses with TypeBox in `schema`: that validates
 *      input (400 naming the field), types `request.body`, and feeds the OpenAPI at /docs;
 *   4. use `deps.database.db` (Kysely), `deps.config`, `request.log` (per-request pino child) and
 *      `principalOf(request)` / `actorOf(request)`; throw AppError for errors;
 *   5. add the module to ROUTES below.
 */
const ROUTES: readonly RouteModule[] = [
  healthRoutes,
  sessionRoutes,
  meRoutes,
  usersRoutes,
  tokensRoutes,
  auditRoutes,
  ticketsRoutes,
  incidentsRoutes,
  incidentOccurrencesRoutes,
  searchesRoutes,
  sourcesRoutes,
  liveRoutes,
  alertRoutes,
]

/** Registers every route module on `app`. */
export async function registerRoutes(app: WebApp, deps: WebDeps): Promise<void> {
  for (const routes of ROUTES) await routes(app, deps)
}
