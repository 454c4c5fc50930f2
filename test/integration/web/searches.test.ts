import { afterEach, expect, it } from 'vitest'

import { describeEachDialect } from '../../helpers/databases.js'

import { createWebHarness, ORIGIN, type WebHarness } from './web-harness.js'

interface Saved {
  id: number
  name: string
  query: string
  owner: string
  ownerId: number
  shared: boolean
}

describeEachDialect('saved searches API', (dialect) => {
  let web: WebHarness | undefined

  afterEach(async () => {
    await web?.close()
    web = undefined
  })

  async function setup() {
    const harness = await createWebHarness(dialect)
    web = harness
    await harness.addUser('vera', 'viewer')
    await harness.addUser('ed', 'editor')
    await harness.addUser('ada', 'admin')
    const vera = await harness.login('vera')
    const ed = await harness.login('ed')
    const ada = await harness.login('ada')
    const call = (
      who: { cookie: string; csrf: string },
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      url: string,
      payload?: unknown,
    ) =>
      harness.app.inject({
        method,
        url,
        headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, origin: ORIGIN },
        ...(payload === undefined ? {} : { payload: payload as object }),
      })

    return { harness, vera, ed, ada, call }
  }

  it('saves a search and lists own and shared ones, never others private ones', async () => {
    const { vera, ed, call } = await setup()
    const mine = await call(ed, 'POST', '/api/v1/searches', {
      name: 'Payments errors',
      query: 'service:payments severity:HIGH',
    })
    await call(ed, 'POST', '/api/v1/searches', {
      name: 'Team view',
      query: '"connection refused" OR timeout',
      shared: true,
    })
    await call(vera, 'POST', '/api/v1/searches', { name: 'Mine only', query: 'count:>10' })

    expect(mine.statusCode).toBe(201)
    expect(mine.json<Saved>()).toMatchObject({
      name: 'Payments errors',
      query: 'service:payments severity:HIGH',
      owner: 'ed',
      shared: false,
    })
    const forVera = (await call(vera, 'GET', '/api/v1/searches')).json<{ items: Saved[] }>()
    expect(forVera.items.map((s) => [s.name, s.owner])).toEqual([
      ['Mine only', 'vera'],
      ['Team view', 'ed'],
    ])
    const forEd = (await call(ed, 'GET', '/api/v1/searches')).json<{ items: Saved[] }>()
    expect(forEd.items.map((s) => s.name)).toEqual(['Payments errors', 'Team view'])
    const hidden = await call(vera, 'GET', `/api/v1/searches/${mine.json<Saved>().id}`)
    expect(hidden.statusCode).toBe(404)
  })

  it('refuses a query with a syntax error, naming the position, and a blank or taken name', async () => {
    const { ed, call } = await setup()
    const bad = await call(ed, 'POST', '/api/v1/searches', { name: 'x', query: 'status:(open' })
    const blank = await call(ed, 'POST', '/api/v1/searches', { name: '   ', query: 'a' })
    await call(ed, 'POST', '/api/v1/searches', { name: 'Same', query: 'a' })
    const twice = await call(ed, 'POST', '/api/v1/searches', { name: 'Same', query: 'b' })
    const extra = await call(ed, 'POST', '/api/v1/searches', { name: 'y', query: 'a', owner: 1 })

    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ error: { code: 'QUERY_INVALID', field: 'q' } })
    expect(bad.json<{ error: { message: string } }>().error.message).toMatch(/at \d+/)
    expect(blank.statusCode).toBe(400)
    expect(blank.json()).toMatchObject({ error: { field: 'name' } })
    expect(twice.statusCode).toBe(409)
    expect(twice.json()).toMatchObject({ error: { code: 'CONFLICT', field: 'name' } })
    expect(extra.statusCode).toBe(400)
  })

  it('lets the owner and admins change or delete a search, and nobody else', async () => {
    const { vera, ed, ada, call } = await setup()
    const created = await call(ed, 'POST', '/api/v1/searches', {
      name: 'Shared',
      query: 'severity:HIGH',
      shared: true,
    })
    const id = created.json<Saved>().id

    const byViewer = await call(vera, 'PUT', `/api/v1/searches/${id}`, { name: 'Taken over' })
    const deleteByViewer = await call(vera, 'DELETE', `/api/v1/searches/${id}`)
    const byOwner = await call(ed, 'PUT', `/api/v1/searches/${id}`, {
      query: 'severity:HIGH -status:resolved',
      shared: false,
    })
    const byAdmin = await call(ada, 'PUT', `/api/v1/searches/${id}`, { name: 'Renamed by admin' })
    const empty = await call(ed, 'PUT', `/api/v1/searches/${id}`, {})
    const deleted = await call(ada, 'DELETE', `/api/v1/searches/${id}`)
    const gone = await call(ed, 'GET', `/api/v1/searches/${id}`)

    expect(byViewer.statusCode).toBe(403)
    expect(deleteByViewer.statusCode).toBe(403)
    expect(byOwner.json<Saved>()).toMatchObject({
      query: 'severity:HIGH -status:resolved',
      shared: false,
      owner: 'ed',
    })
    expect(byAdmin.statusCode).toBe(200)
    expect(byAdmin.json<Saved>()).toMatchObject({ name: 'Renamed by admin', owner: 'ed' })
    expect(empty.statusCode).toBe(400)
    expect(deleted.statusCode).toBe(204)
    expect(gone.statusCode).toBe(404)
  })

  it('answers 401 without a session and 403 without the CSRF token', async () => {
    const { harness, vera } = await setup()
    const anonymous = await harness.app.inject({ url: '/api/v1/searches' })
    const noCsrf = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/searches',
      headers: { cookie: vera.cookie, origin: ORIGIN },
      payload: { name: 'n', query: 'q' },
    })

    expect(anonymous.statusCode).toBe(401)
    expect(noCsrf.statusCode).toBe(403)
  })
})
