import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, expect, it } from 'vitest'

import { allowAnonymous } from '../../../src/web/plugins/access.js'
import { describeEachDialect } from '../../helpers/databases.js'

import { createWebHarness, ORIGIN, PASSWORD, type WebHarness } from './web-harness.js'

describeEachDialect('web hygiene', (dialect) => {
  let web: WebHarness | undefined
  let uiDir: string | undefined

  afterEach(async () => {
    await web?.close()
    web = undefined
    if (uiDir !== undefined) rmSync(uiDir, { recursive: true, force: true })
    uiDir = undefined
  })

  it('writes no password, cookie, CSRF token or API token into the logs', async () => {
    web = await createWebHarness(dialect)
    await web.addUser('root', 'admin')
    const { cookie, csrf } = await web.login('root')
    await web.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'root', password: 'a wrong secret guess' },
    })
    const created = await web.app.inject({
      method: 'POST',
      url: '/api/v1/tokens?token=query-secret-value',
      headers: { cookie, origin: ORIGIN, 'x-csrf-token': csrf },
      payload: { name: 'ci' },
    })
    const secret = created.json<{ secret: string }>().secret
    await web.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${secret}` } })
    await web.app.inject({
      method: 'PUT',
      url: '/api/v1/me/password',
      headers: { cookie, origin: ORIGIN, 'x-csrf-token': csrf },
      payload: { currentPassword: PASSWORD, newPassword: 'next password value' },
    })

    const logs = web.logs()
    expect(logs).toContain('request completed')
    expect(logs).toMatch(
      /"req":\{"method":"POST","url":"\/api\/v1\/session","remoteAddress":"127.0.0.1"\}/,
    )
    expect(logs).toContain('/api/v1/tokens?token=%5Bredacted%5D')
    for (const secretText of [
      PASSWORD,
      'a wrong secret guess',
      'next password value',
      cookie.split('=')[1]!,
      csrf,
      secret,
      'query-secret-value',
    ]) {
      expect(logs).not.toContain(secretText)
    }
    expect(logs).not.toMatch(/"headers"|authorization|cookie/i)
  })

  it('names the field of a validation error', async () => {
    web = await createWebHarness(dialect)
    const missing = await web.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'root' },
    })
    const wrongType = await web.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: { name: 'root' }, password: 'x' },
    })
    const extra = await web.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'a', password: 'b', admin: true },
    })

    expect(missing.statusCode).toBe(400)
    expect(missing.json()).toEqual({
      error: { code: 'VALIDATION_FAILED', message: 'password is required', field: 'password' },
    })
    expect(wrongType.json()).toEqual({
      error: { code: 'VALIDATION_FAILED', message: 'username must be string', field: 'username' },
    })
    expect(extra.json<{ error: { field: string } }>().error.field).toBe('admin')
  })

  it('answers a broken JSON body with 400 and no parser internals', async () => {
    web = await createWebHarness(dialect)
    const response = await web.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": ',
    })

    expect(response.statusCode).toBe(400)
    expect(response.json<{ error: { code: string } }>().error.code).toBe('BAD_REQUEST')
    expect(response.body).not.toMatch(/at .*\.js:\d+/)
  })

  it('keeps the stack trace of a 500 in the log, not in the response', async () => {
    web = await createWebHarness(dialect, {
      extend(app) {
        app.get('/api/v1/boom', { config: allowAnonymous() }, () => {
          throw new Error('database exploded at /secret/path')
        })
      },
    })
    const response = await web.app.inject({ url: '/api/v1/boom' })

    expect(response.statusCode).toBe(500)
    expect(response.json()).toEqual({
      error: { code: 'INTERNAL', message: 'internal error: the server log has the details' },
    })
    expect(response.body).not.toContain('exploded')
    expect(response.body).not.toContain('hygiene.test')
    expect(web.logs()).toContain('database exploded')
  })

  it('answers unknown /api paths with a JSON 404', async () => {
    web = await createWebHarness(dialect)
    const response = await web.app.inject({ url: '/api/v1/nothing-here' })

    expect(response.statusCode).toBe(404)
    expect(response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'no route GET /api/v1/nothing-here' },
    })
  })

  it('sends the security headers', async () => {
    web = await createWebHarness(dialect)
    const response = await web.app.inject({ url: '/healthz' })
    const csp = String(response.headers['content-security-policy'])

    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.headers['referrer-policy']).toBe('same-origin')
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN')
    expect(response.headers['strict-transport-security']).toBeUndefined()
  })

  it('marks the cookie Secure and sends HSTS when the public URL is https', async () => {
    web = await createWebHarness(dialect, { env: { ALIMS_PUBLIC_URL: 'https://alims.example' } })
    await web.addUser('root', 'admin')
    const response = await web.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'root', password: PASSWORD },
    })

    expect(response.cookies.find((c) => c.name === 'alims_session')?.secure).toBe(true)
    expect(response.headers['strict-transport-security']).toContain('max-age=31536000')
  })

  it('serves the OpenAPI description at /docs/json and the browsable docs at /docs', async () => {
    web = await createWebHarness(dialect)
    const spec = await web.app.inject({ url: '/docs/json' })
    const page = await web.app.inject({ url: '/docs/' })

    expect(spec.statusCode).toBe(200)
    const paths = spec.json<{ openapi: string; paths: Record<string, unknown> }>()
    expect(paths.openapi).toBe('3.1.0')
    expect(Object.keys(paths.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/session',
        '/api/v1/me',
        '/api/v1/users',
        '/api/v1/tokens/{id}',
        '/healthz',
      ]),
    )
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('swagger')
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-inline')
  })

  it('reports health and Prometheus metrics, including HTTP requests', async () => {
    web = await createWebHarness(dialect)
    const health = await web.app.inject({ url: '/healthz' })
    expect(health.json()).toEqual({ status: 'ok', database: dialect })

    const metrics = await web.app.inject({ url: '/metrics' })
    expect(metrics.headers['content-type']).toContain('text/plain')
    expect(metrics.body).toMatch(
      /alims_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/,
    )
    expect(metrics.body).toContain('alims_http_request_duration_seconds_bucket')
  })

  it('answers 503 from /healthz when the database is gone', async () => {
    web = await createWebHarness(dialect)
    await web.test.database.close()
    const health = await web.app.inject({ url: '/healthz' })

    expect(health.statusCode).toBe(503)
    expect(health.json()).toEqual({ status: 'error', database: dialect })
  })

  it('serves the UI for its page addresses and its hashed assets with long caching', async () => {
    uiDir = mkdtempSync(join(tmpdir(), 'alims-ui-'))
    mkdirSync(join(uiDir, 'assets'))
    writeFileSync(
      join(uiDir, 'index.html'),
      '<!doctype html><title>alims</title><div id="root"></div>',
    )
    writeFileSync(join(uiDir, 'assets', 'index-abc123.js'), 'console.log(1)')
    web = await createWebHarness(dialect, { uiDir })

    for (const url of [
      '/',
      '/login',
      '/incidents',
      '/incidents/42?q=x',
      '/alerts/7',
      '/sources',
      '/users',
    ]) {
      const page = await web.app.inject({ url })
      expect(page.statusCode, url).toBe(200)
      expect(page.body).toContain('<div id="root">')
      expect(page.headers['cache-control']).toBe('no-cache')
    }
    const asset = await web.app.inject({ url: '/assets/index-abc123.js' })
    expect(asset.headers['cache-control']).toContain('immutable')
    expect((await web.app.inject({ url: '/assets/missing.js' })).statusCode).toBe(404)
    expect(
      (await web.app.inject({ url: '/api/v1/incidents-unknown' })).headers['content-type'],
    ).toContain('json')
  })
})
