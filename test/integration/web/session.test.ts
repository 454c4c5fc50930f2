import { afterEach, beforeEach, expect, it } from 'vitest'

import { createAccountServices } from '../../../src/accounts/index.js'
import { openDatabase } from '../../../src/db/database.js'
import { createLogger } from '../../../src/observability/logger.js'
import { buildServer } from '../../../src/web/server.js'

import { createWebHarness, ORIGIN, PASSWORD, type WebHarness } from './web-harness.js'
import { describeEachDialect } from '../../helpers/databases.js'

describeEachDialect('web sessions', (dialect) => {
  let web: WebHarness

  beforeEach(async () => {
    web = await createWebHarness(dialect)
    await web.addUser('alice', 'editor')
  })

  afterEach(async () => {
    await web.close()
  })

  it('logs in, sets an HttpOnly SameSite=Lax cookie and returns the CSRF token', async () => {
    const response = await web.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { origin: ORIGIN },
      payload: { username: 'Alice', password: PASSWORD },
    })

    expect(response.statusCode).toBe(200)
    const cookie = response.cookies.find((c) => c.name === 'alims_session')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    expect(cookie?.secure).toBeUndefined()
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const body = response.json<{ account: { username: string; role: string }; csrfToken: string }>()
    expect(body.account).toMatchObject({ username: 'alice', role: 'editor' })
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('stores only the sha256 of the session id', async () => {
    const { cookie } = await web.login('alice')
    const raw = cookie.split('=')[1]!
    const rows = await web.test.database.db.selectFrom('sessions').select('id').execute()

    expect(rows).toHaveLength(1)
    expect(rows[0]!.id).not.toContain(raw)
    expect(rows[0]!.id).toMatch(/^[0-9a-f]{64}$/)
  })

  it('gives the same 401 for a wrong password and an unknown user', async () => {
    const wrong = await web.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'alice', password: 'not the password' },
    })
    const unknown = await web.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'mallory', password: 'not the password' },
    })

    expect(wrong.statusCode).toBe(401)
    expect(unknown.statusCode).toBe(401)
    expect(wrong.body).toBe(unknown.body)
    expect(wrong.json()).toEqual({
      error: { code: 'LOGIN_FAILED', message: 'invalid username or password' },
    })
    expect(wrong.headers['set-cookie']).toBeUndefined()
  })

  it('answers the 6th failed login within 5 minutes with 429 and Retry-After', async () => {
    const attempt = (password: string) =>
      web.app.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { username: 'alice', password },
      })
    for (let i = 0; i < 5; i += 1) {
      web.advance(10_000)
      expect((await attempt('wrong password')).statusCode).toBe(401)
    }

    const sixth = await attempt(PASSWORD)

    expect(sixth.statusCode).toBe(429)
    expect(sixth.json<{ error: { code: string } }>().error.code).toBe('LOGIN_THROTTLED')
    const retryAfter = Number(sixth.headers['retry-after'])
    // The oldest failure was 40 s before the 6th attempt; the window is 300 s.
    expect(retryAfter).toBe(260)

    web.advance(retryAfter * 1000)
    expect((await attempt(PASSWORD)).statusCode).toBe(200)
  })

  it('throttles one IP that tries many usernames', async () => {
    for (const name of ['u1', 'u2', 'u3', 'u4', 'u5']) {
      const response = await web.app.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { username: name, password: 'guess guess' },
      })
      expect(response.statusCode).toBe(401)
    }

    const response = await web.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'alice', password: PASSWORD },
    })

    expect(response.statusCode).toBe(429)
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0)
  })

  it('ends the session on the server at logout', async () => {
    const { cookie, csrf } = await web.login('alice')
    const logout = await web.app.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: { cookie, origin: ORIGIN, 'x-csrf-token': csrf },
    })

    expect(logout.statusCode).toBe(204)
    // Replaying the old cookie, as a thief who copied it would, no longer works.
    const replay = await web.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })
    expect(replay.statusCode).toBe(401)
    expect(await web.test.database.db.selectFrom('sessions').selectAll().execute()).toEqual([])
  })

  it('expires a session after 12 idle hours and 7 days after login', async () => {
    const idle = await web.login('alice')
    web.advance(11 * 3_600_000)
    expect(
      (await web.app.inject({ url: '/api/v1/me', headers: { cookie: idle.cookie } })).statusCode,
    ).toBe(200)
    web.advance(12 * 3_600_000 + 1000)
    expect(
      (await web.app.inject({ url: '/api/v1/me', headers: { cookie: idle.cookie } })).statusCode,
    ).toBe(401)

    const busy = await web.login('alice')
    const me = () => web.app.inject({ url: '/api/v1/me', headers: { cookie: busy.cookie } })
    // Used every 10 hours it never idles out, until 7 days (168 h) after login.
    for (let hours = 10; hours <= 160; hours += 10) {
      web.advance(10 * 3_600_000)
      expect((await me()).statusCode).toBe(200)
    }
    web.advance(10 * 3_600_000)
    expect((await me()).statusCode).toBe(401)
  })

  it('issues a fresh session id at every login and ends the previous one', async () => {
    const first = await web.login('alice')
    const second = await web.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { origin: ORIGIN, cookie: first.cookie },
      payload: { username: 'alice', password: PASSWORD },
    })

    expect(second.statusCode).toBe(200)
    const cookie = second.cookies.find((c) => c.name === 'alims_session')!
    expect(`alims_session=${cookie.value}`).not.toBe(first.cookie)
    expect(
      (await web.app.inject({ url: '/api/v1/me', headers: { cookie: first.cookie } })).statusCode,
    ).toBe(401)
  })

  it('ends every session when the password changes and keeps the changing browser logged in', async () => {
    const other = await web.login('alice')
    const mine = await web.login('alice')
    const change = await web.app.inject({
      method: 'PUT',
      url: '/api/v1/me/password',
      headers: { cookie: mine.cookie, origin: ORIGIN, 'x-csrf-token': mine.csrf },
      payload: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
    })

    expect(change.statusCode).toBe(200)
    expect(
      (await web.app.inject({ url: '/api/v1/me', headers: { cookie: other.cookie } })).statusCode,
    ).toBe(401)
    expect(
      (await web.app.inject({ url: '/api/v1/me', headers: { cookie: mine.cookie } })).statusCode,
    ).toBe(401)
    const fresh = change.cookies.find((c) => c.name === 'alims_session')!
    const me = await web.app.inject({
      url: '/api/v1/me',
      headers: { cookie: `alims_session=${fresh.value}` },
    })
    expect(me.statusCode).toBe(200)
    await web.login('alice', 'a brand new passphrase')
  })

  it('upgrades a hash made with old parameters at the next login', async () => {
    const { PasswordHasher } = await import('../../../src/accounts/password-hasher.js')
    const weak = new PasswordHasher({ memoryCost: 4096, timeCost: 1, parallelism: 1 })
    const account = await web.accounts.accounts.findByUsername('alice')
    await web.accounts.accounts.setPasswordHash(account!.id, await weak.hash(PASSWORD), false)

    await web.login('alice')

    const row = await web.test.database.db
      .selectFrom('accounts')
      .select('password_hash')
      .where('username', '=', 'alice')
      .executeTakeFirstOrThrow()
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  })

  it('records login success, failure and logout in the audit log', async () => {
    await web.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'alice', password: 'nope nope nope' },
    })
    const { cookie, csrf } = await web.login('alice')
    await web.app.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: { cookie, origin: ORIGIN, 'x-csrf-token': csrf },
    })

    const actions = (await web.accounts.audit.list()).map((r) => r.action)
    expect(actions.slice(0, 3)).toEqual(['logout', 'login.success', 'login.failure'])
  })

  it('serves a session created by one web process from another', async () => {
    const { cookie, csrf } = await web.login('alice')
    // A second process: its own connection, its own services, the same database.
    const database = openDatabase(web.test.url)
    const other = await buildServer({
      config: web.config,
      logger: createLogger({ level: 'silent' }),
      database,
      accounts: createAccountServices(database),
      uiDir: null,
    })
    try {
      const me = await other.inject({ url: '/api/v1/me', headers: { cookie } })
      expect(me.json<{ account: { username: string } }>().account.username).toBe('alice')
      const logout = await other.inject({
        method: 'DELETE',
        url: '/api/v1/session',
        headers: { cookie, origin: ORIGIN, 'x-csrf-token': csrf },
      })
      expect(logout.statusCode).toBe(204)
      expect((await web.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(
        401,
      )
    } finally {
      await other.close()
      await database.close()
    }
  })
})
