import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'

import { hasRole, type Principal, type Role } from '../../accounts/index.js'
import { AppError } from '../../errors/app-error.js'
import type { WebApp, WebDeps } from '../web-deps.js'

import { authenticate } from './auth.js'
import { checkCsrf, checkOrigin, isUnsafeMethod } from './csrf.js'

/** Who may call a route: anyone, or an authenticated principal with at least this role. */
export type Access = Role | 'public'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Declared on every route through requireRole() or allowAnonymous(). */
    access?: Access
  }
  interface FastifyRequest {
    /** The authenticated principal; null on public routes and before authentication. */
    auth: Principal | null
  }
}

/** Route config for a route that needs a logged-in principal with at least `role`. */
export function requireRole(role: Role): { access: Access } {
  return { access: role }
}

/** Route config for a route anyone may call (login, health, metrics). */
export function allowAnonymous(): { access: Access } {
  return { access: 'public' }
}

/** The principal of a request on a role-guarded route; throws UNAUTHENTICATED on a public one. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.auth === null) {
    throw new AppError('UNAUTHENTICATED', 'log in or send an API token', { status: 401 })
  }

  return request.auth
}

function accessOf(route: RouteOptions): Access | undefined {
  return route.config?.access
}

/**
 * Makes access control impossible to forget: an /api route without `config.access` fails at
 * registration, and every declared route gets a hook that authenticates, checks the role and,
 * for cookie sessions that change state, the Origin and CSRF token.
 */
export function registerAccessControl(app: WebApp, deps: WebDeps): void {
  app.decorateRequest('auth', null)
  app.addHook('onRoute', (route) => {
    const access = accessOf(route)
    if (access === undefined) {
      if (route.url.startsWith('/api')) {
        throw new Error(
          `route ${String(route.method)} ${route.url} declares no access: ` +
            'add config: requireRole(...) or allowAnonymous()',
        )
      }

      return
    }

    const guard = async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
      if (access === 'public') {
        if (isUnsafeMethod(request.method)) checkOrigin(request, deps.config, false)

        return
      }

      const principal = await authenticate(request, deps.accounts)
      if (principal === null) {
        throw new AppError('UNAUTHENTICATED', 'log in or send an API token', { status: 401 })
      }
      request.auth = principal
      if (principal.via === 'session' && isUnsafeMethod(request.method)) {
        checkCsrf(request, principal, deps.config)
      }
      if (!hasRole(principal.role, access)) {
        throw new AppError(
          'FORBIDDEN',
          `this needs the ${access} role; you have ${principal.role}`,
          {
            status: 403,
          },
        )
      }
    }
    const existing = route.onRequest
    route.onRequest = [guard, ...(existing === undefined ? [] : [existing].flat())]
  })
}

/** The audit-log actor of a request: its principal and client address. */
export function actorOf(request: FastifyRequest): {
  id: number | null
  name: string | null
  ip: string
} {
  return {
    id: request.auth?.accountId ?? null,
    name: request.auth?.username ?? null,
    ip: request.ip,
  }
}
