import { afterEach, beforeEach, expect, it } from 'vitest'

import { describeEachDialect } from '../../helpers/databases.js'

import { createWebHarness, ORIGIN, type WebHarness } from './web-harness.js'

interface AccountBody {
  id: number
  username: string
  role: string
  email: string | null
  disabled: boolean
}

describeEachDialect('user management', (dialect) => {
  let web: WebHarness
  let admin: { cookie: string; csrf: string }

  beforeEach(async () => {
    web = await createWebHarness(dialect)
    await web.addUser('root', 'admin')
    admin = await web.login('root')
  })

  afterEach(async () => {
    await web.close()
  })

  const send = (method: 'POST' | 'PATCH' | 'PUT', url: string, payload: unknown) =>
    web.app.inject({
      method,
      url,
      headers: { cookie: admin.cookie, origin: ORIGIN, 'x-csrf-token': admin.csrf },
      payload: payload as Record<string, unknown>,
    })

  it('creates, lists, changes and disables an account, and audits each step', async () => {
    const created = await send('POST', '/api/v1/users', {
      username: 'Dana',
      email: 'dana@example.com',
      role: 'viewer',
      password: 'dana password 1',
    })
    expect(created.statusCode).toBe(201)
    const dana = created.json<AccountBody>()
    expect(dana).toMatchObject({ username: 'dana', role: 'viewer', disabled: false })
    expect(created.body).not.toContain('argon2')
    expect(created.body).not.toContain('dana password 1')

    const promoted = await send('PATCH', `/api/v1/users/${dana.id}`, { role: 'editor' })
    expect(promoted.json<AccountBody>().role).toBe('editor')
    const session = await web.login('dana', 'dana password 1')
    const disabled = await send('PATCH', `/api/v1/users/${dana.id}`, { disabled: true })
    expect(disabled.json<AccountBody>().disabled).toBe(true)
    expect(
      (await web.app.inject({ url: '/api/v1/me', headers: { cookie: session.cookie } })).statusCode,
    ).toBe(401)
    const login = await web.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'dana', password: 'dana password 1' },
    })
    expect(login.statusCode).toBe(401)

    const list = await web.app.inject({ url: '/api/v1/users', headers: { cookie: admin.cookie } })
    expect(list.json<{ items: AccountBody[] }>().items.map((a) => a.username)).toEqual([
      'dana',
      'root',
    ])
    const actions = (await web.accounts.audit.list()).map((r) => r.action)
    expect(actions).toEqual(
      expect.arrayContaining(['user.created', 'user.role_changed', 'user.disabled']),
    )
  })

  it('refuses a duplicate username with 409 naming the field', async () => {
    const response = await send('POST', '/api/v1/users', {
      username: 'ROOT',
      role: 'viewer',
      password: 'another password',
    })

    expect(response.statusCode).toBe(409)
    expect(response.json<{ error: { code: string; field: string } }>().error).toMatchObject({
      code: 'CONFLICT',
      field: 'username',
    })
  })

  it('refuses a weak password, a bad username and an unknown role, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ username: 'frank', role: 'viewer', password: 'short' }, 'password'],
      [{ username: 'has space', role: 'viewer', password: 'long enough pw' }, 'username'],
      [{ username: 'frank', role: 'root', password: 'long enough pw' }, 'role'],
      [{ username: 'frank', role: 'viewer', password: 'long enough pw', email: 'nope' }, 'email'],
    ]
    for (const [payload, field] of cases) {
      const response = await send('POST', '/api/v1/users', payload)
      expect(response.statusCode, field).toBe(400)
      expect(response.json<{ error: { field: string; message: string } }>().error.field).toBe(field)
    }
  })

  it('keeps the last admin: it cannot be demoted or disabled', async () => {
    const rootId = (await web.accounts.accounts.findByUsername('root'))!.id
    const demote = await send('PATCH', `/api/v1/users/${rootId}`, { role: 'viewer' })

    expect(demote.statusCode).toBe(409)
    expect((await web.accounts.accounts.findById(rootId))!.role).toBe('admin')
  })

  it('resets a password, ending the sessions of that account', async () => {
    const id = await web.addUser('gus', 'viewer')
    const gus = await web.login('gus')
    const reset = await send('PUT', `/api/v1/users/${id}/password`, {
      password: 'reset by admin 1',
    })

    expect(reset.statusCode).toBe(204)
    expect(
      (await web.app.inject({ url: '/api/v1/me', headers: { cookie: gus.cookie } })).statusCode,
    ).toBe(401)
    await web.login('gus', 'reset by admin 1')
    expect((await web.accounts.audit.list({ action: 'user.password_reset' })).length).toBe(1)
  })

  it('answers 404 for an unknown account and 400 for a non-numeric id', async () => {
    expect((await send('PATCH', '/api/v1/users/999', { role: 'viewer' })).statusCode).toBe(404)
    const bad = await send('PATCH', '/api/v1/users/abc', { role: 'viewer' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json<{ error: { field: string } }>().error.field).toBe('params.id')
  })
})
