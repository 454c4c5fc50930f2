import { afterEach, beforeEach, expect, it } from 'vitest'

import { describeEachDialect } from '../../helpers/databases.js'

import { createWebHarness, ORIGIN, type WebHarness } from './web-harness.js'

interface Created {
  token: { id: number; role: string; prefix: string; expiresAt: string | null }
  secret: string
}

describeEachDialect('API tokens', (dialect) => {
  let web: WebHarness
  let admin: { cookie: string; csrf: string }

  beforeEach(async () => {
    web = await createWebHarness(dialect)
    await web.addUser('root', 'admin')
    await web.addUser('ed', 'editor')
    admin = await web.login('root')
  })

  afterEach(async () => {
    await web.close()
  })

  async function create(payload: Record<string, unknown>, who = admin) {
    return web.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie: who.cookie, origin: ORIGIN, 'x-csrf-token': who.csrf },
      payload,
    })
  }

  const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` })

  it('works as Bearer until revoked, without CSRF checks', async () => {
    const response = await create({ name: 'ci', expires: '30d' })
    expect(response.statusCode).toBe(201)
    const { token, secret } = response.json<Created>()
    expect(secret).toMatch(/^alims_[A-Za-z0-9_-]{43}$/)
    expect(secret.startsWith(token.prefix)).toBe(true)
    expect(token.role).toBe('admin')

    const me = await web.app.inject({ url: '/api/v1/me', headers: bearer(secret) })
    expect(me.statusCode).toBe(200)
    expect(me.json()).toMatchObject({ via: 'token', role: 'admin', csrfToken: null })
    const write = await web.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { ...bearer(secret), origin: 'https://elsewhere.example' },
      payload: { username: 'bot', role: 'viewer', password: 'bot password 1' },
    })
    expect(write.statusCode).toBe(201)

    const revoke = await web.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${token.id}`,
      headers: { cookie: admin.cookie, origin: ORIGIN, 'x-csrf-token': admin.csrf },
    })
    expect(revoke.statusCode).toBe(200)
    expect(revoke.json<{ revokedAt: string | null }>().revokedAt).not.toBeNull()

    const after = await web.app.inject({ url: '/api/v1/me', headers: bearer(secret) })
    expect(after.statusCode).toBe(401)
    expect(after.json<{ error: { code: string } }>().error.code).toBe('UNAUTHENTICATED')
  })

  it('stops working when it expires', async () => {
    const { secret } = (await create({ name: 'short', expires: '1h' })).json<Created>()

    expect((await web.app.inject({ url: '/api/v1/me', headers: bearer(secret) })).statusCode).toBe(
      200,
    )
    web.advance(3_600_000)
    expect((await web.app.inject({ url: '/api/v1/me', headers: bearer(secret) })).statusCode).toBe(
      401,
    )
  })

  it('stores only the sha256 of the secret', async () => {
    const { secret } = (await create({ name: 'hashed' })).json<Created>()
    const rows = await web.test.database.db.selectFrom('api_tokens').selectAll().execute()

    expect(JSON.stringify(rows)).not.toContain(secret.slice(12))
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/)
  })

  it("scopes a token to a role that cannot exceed its account's", async () => {
    const editor = await web.login('ed')
    const tooHigh = await create({ name: 'up', role: 'admin' }, editor)
    expect(tooHigh.statusCode).toBe(400)
    expect(tooHigh.json<{ error: { field: string } }>().error.field).toBe('role')

    const { secret } = (await create({ name: 'reader', role: 'viewer' }, editor)).json<Created>()
    const users = await web.app.inject({ url: '/api/v1/users', headers: bearer(secret) })
    expect(users.statusCode).toBe(403)
  })

  it("follows the account: a demoted or disabled account's token loses its power", async () => {
    const editor = await web.login('ed')
    const { secret } = (await create({ name: 'mine' }, editor)).json<Created>()
    const edId = (await web.accounts.accounts.findByUsername('ed'))!.id
    await web.accounts.users.update(edId, { role: 'viewer' }, { id: null, name: 'test' })
    const me = await web.app.inject({ url: '/api/v1/me', headers: bearer(secret) })
    expect(me.json<{ role: string }>().role).toBe('viewer')

    await web.accounts.users.update(edId, { disabled: true }, { id: null, name: 'test' })
    expect((await web.app.inject({ url: '/api/v1/me', headers: bearer(secret) })).statusCode).toBe(
      401,
    )
  })

  it('lets non-admins list and revoke only their own tokens', async () => {
    const adminToken = (await create({ name: 'admin-only' })).json<Created>()
    const editor = await web.login('ed')
    await create({ name: 'ed-token' }, editor)

    const list = await web.app.inject({ url: '/api/v1/tokens', headers: { cookie: editor.cookie } })
    expect(list.json<{ items: { name: string }[] }>().items.map((t) => t.name)).toEqual([
      'ed-token',
    ])
    const revoke = await web.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${adminToken.token.id}`,
      headers: { cookie: editor.cookie, origin: ORIGIN, 'x-csrf-token': editor.csrf },
    })
    expect(revoke.statusCode).toBe(404)
    const all = await web.app.inject({ url: '/api/v1/tokens', headers: { cookie: admin.cookie } })
    expect(all.json<{ items: unknown[] }>().items).toHaveLength(2)
  })

  it('rejects a malformed Authorization header and an unknown token', async () => {
    for (const authorization of ['Basic cm9vdDpyb290', 'Bearer alims_unknown', 'Bearer']) {
      const response = await web.app.inject({ url: '/api/v1/me', headers: { authorization } })
      expect(response.statusCode).toBe(401)
    }
  })

  it('audits creation and revocation', async () => {
    const { token } = (await create({ name: 'audited' })).json<Created>()
    await web.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${token.id}`,
      headers: { cookie: admin.cookie, origin: ORIGIN, 'x-csrf-token': admin.csrf },
    })
    const audit = await web.app.inject({ url: '/api/v1/audit', headers: { cookie: admin.cookie } })
    const actions = audit.json<{ items: { action: string }[] }>().items.map((r) => r.action)

    expect(actions.slice(0, 2)).toEqual(['token.revoked', 'token.created'])
  })
})
