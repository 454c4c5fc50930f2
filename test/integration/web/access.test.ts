import { afterEach, beforeEach, expect, it } from 'vitest'

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import fastify from 'fastify'

import { createLogger } from '../../../src/observability/logger.js'
import { registerAccessControl, requireRole } from '../../../src/web/plugins/access.js'
import { describeEachDialect } from '../../helpers/databases.js'

import { createWebHarness, ORIGIN, type WebHarness } from './web-harness.js'

describeEachDialect('web access control and CSRF', (dialect) => {
  let web: WebHarness

  beforeEach(async () => {
    web = await createWebHarness(dialect)
    await web.addUser('root', 'admin')
    await web.addUser('vera', 'viewer')
  })

  afterEach(async () => {
    await web.close()
  })

  it('answers 401 without a session or token', async () => {
    const response = await web.app.inject({ url: '/api/v1/users' })

    expect(response.statusCode).toBe(401)
    expect(response.json()).toEqual({
      error: { code: 'UNAUTHENTICATED', message: 'log in or send an API token' },
    })
  })

  it('answers 403 to a viewer on an admin route', async () => {
    const { cookie } = await web.login('vera')
    const response = await web.app.inject({ url: '/api/v1/users', headers: { cookie } })

    expect(response.statusCode).toBe(403)
    expect(response.json<{ error: { code: string } }>().error.code).toBe('FORBIDDEN')
  })

  it('lets an admin with a matching Origin and CSRF token change state', async () => {
    const { cookie, csrf } = await web.login('root')
    const response = await web.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie, origin: ORIGIN, 'x-csrf-token': csrf },
      payload: { username: 'eve', role: 'viewer', password: 'eve password 1' },
    })

    expect(response.statusCode).toBe(201)
  })

  it('refuses a cookie request from a foreign Origin even with the CSRF token', async () => {
    const { cookie, csrf } = await web.login('root')
    const response = await web.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie, origin: 'https://evil.example', 'x-csrf-token': csrf },
      payload: { username: 'eve', role: 'admin', password: 'eve password 1' },
    })

    expect(response.statusCode).toBe(403)
    expect(response.json<{ error: { code: string } }>().error.code).toBe('CSRF_FAILED')
    expect(await web.accounts.accounts.findByUsername('eve')).toBeNull()
  })

  it('refuses a cookie request without the CSRF token or with a wrong one', async () => {
    const { cookie } = await web.login('root')
    for (const headers of [
      { cookie, origin: ORIGIN },
      { cookie, origin: ORIGIN, 'x-csrf-token': 'guessed' },
    ]) {
      const response = await web.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers,
        payload: { username: 'eve', role: 'admin', password: 'eve password 1' },
      })
      expect(response.statusCode).toBe(403)
      expect(response.json<{ error: { code: string } }>().error.code).toBe('CSRF_FAILED')
    }
  })

  it('refuses a cookie request without any Origin or Referer', async () => {
    const { cookie, csrf } = await web.login('root')
    const response = await web.app.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: { cookie, 'x-csrf-token': csrf },
    })

    expect(response.statusCode).toBe(403)
  })

  it("accepts the Host's own origin and a same-origin Referer", async () => {
    const { cookie, csrf } = await web.login('root')
    const byHost = await web.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/2',
      headers: {
        cookie,
        host: 'ops.internal:9000',
        origin: 'http://ops.internal:9000',
        'x-csrf-token': csrf,
      },
      payload: { email: 'vera@example.com' },
    })
    const byReferer = await web.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/2',
      headers: { cookie, referer: `${ORIGIN}/users`, 'x-csrf-token': csrf },
      payload: { email: 'vera@example.org' },
    })

    expect(byHost.statusCode).toBe(200)
    expect(byReferer.statusCode).toBe(200)
  })

  it('refuses a login posted from a foreign origin', async () => {
    const response = await web.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { origin: 'https://evil.example' },
      payload: { username: 'root', password: 'correct horse battery staple' },
    })

    expect(response.statusCode).toBe(403)
  })

  it('refuses to register an /api route that declares no access', async () => {
    const app = fastify().withTypeProvider<TypeBoxTypeProvider>()
    registerAccessControl(app, {
      config: web.config,
      logger: createLogger({ level: 'silent' }),
      database: web.test.database,
      accounts: web.accounts,
    })

    expect(() => app.get('/api/v1/forgotten', () => ({ ok: true }))).toThrow(
      'route GET /api/v1/forgotten declares no access',
    )
    expect(() =>
      app.get('/api/v1/declared', { config: requireRole('viewer') }, () => ({ ok: true })),
    ).not.toThrow()
    await app.close()
  })
})
