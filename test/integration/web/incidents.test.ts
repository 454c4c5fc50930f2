import { afterEach, expect, it } from 'vitest'

import { IncidentStore } from '../../../src/ingest/store/incident-store.js'
import { createLogger } from '../../../src/observability/logger.js'
import { candidate } from '../../helpers/candidates.js'
import { describeEachDialect } from '../../helpers/databases.js'

import { createWebHarness, ORIGIN, type WebHarness } from './web-harness.js'

interface Page {
  items: { id: number; title: string; status: string; count: number; ticket: unknown }[]
  next: string | null
}

describeEachDialect('incidents API', (dialect) => {
  let web: WebHarness | undefined

  afterEach(async () => {
    await web?.close()
    web = undefined
  })

  async function setup(): Promise<{
    web: WebHarness
    viewer: string
    editor: { cookie: string; csrf: string }
  }> {
    const harness = await createWebHarness(dialect)
    web = harness
    const store = new IncidentStore({
      database: harness.test.database,
      logger: createLogger({ level: 'silent' }),
      saveCheckpoints: async () => {},
    })
    await store.commit({
      events: [
        candidate('a', { message: 'disk full on /var', offset: 1 }),
        candidate('b', { message: 'connection refused', severity: 'MEDIUM', offset: 2 }),
        candidate('b', { message: 'connection refused', severity: 'MEDIUM', offset: 3 }),
      ],
      checkpoints: [],
    })
    await harness.addUser('vera', 'viewer')
    await harness.addUser('ed', 'editor')

    return {
      web: harness,
      viewer: (await harness.login('vera')).cookie,
      editor: await harness.login('ed'),
    }
  }

  it('lists incidents for a viewer, filtered by severity and the search language', async () => {
    const { web, viewer } = await setup()
    const all = await web.app.inject({ url: '/api/v1/incidents', headers: { cookie: viewer } })
    const medium = await web.app.inject({
      url: '/api/v1/incidents?severity=MEDIUM',
      headers: { cookie: viewer },
    })
    const text = await web.app.inject({
      url: `/api/v1/incidents?q=${encodeURIComponent('"disk full"')}`,
      headers: { cookie: viewer },
    })

    expect(all.statusCode).toBe(200)
    expect(
      all
        .json<Page>()
        .items.map((i) => i.title)
        .sort(),
    ).toEqual(['connection refused', 'disk full on /var'])
    expect(medium.json<Page>().items.map((i) => [i.title, i.count])).toEqual([
      ['connection refused', 2],
    ])
    expect(text.json<Page>().items.map((i) => i.title)).toEqual(['disk full on /var'])
  })

  it('answers a malformed query with 400 naming what was expected', async () => {
    const { web, viewer } = await setup()
    const response = await web.app.inject({
      url: `/api/v1/incidents?q=${encodeURIComponent('(severity:HIGH')}`,
      headers: { cookie: viewer },
    })

    expect(response.statusCode).toBe(400)
    expect(response.json<{ error: { code: string; message: string } }>().error.code).toBe(
      'QUERY_INVALID',
    )
  })

  it('refuses anonymous requests', async () => {
    const { web } = await setup()

    expect((await web.app.inject({ url: '/api/v1/incidents' })).statusCode).toBe(401)
  })

  it('lets an editor acknowledge an incident and records who did it', async () => {
    const { web, editor, viewer } = await setup()
    const [first] = (
      await web.app.inject({ url: '/api/v1/incidents', headers: { cookie: viewer } })
    ).json<Page>().items
    const patch = await web.app.inject({
      method: 'PATCH',
      url: `/api/v1/incidents/${first!.id}`,
      headers: { cookie: editor.cookie, 'x-csrf-token': editor.csrf, origin: ORIGIN },
      payload: { status: 'acknowledged' },
    })

    expect(patch.statusCode).toBe(200)
    expect(patch.json<{ status: string; statusChangedBy: string }>()).toMatchObject({
      status: 'acknowledged',
      statusChangedBy: 'ed',
    })
    const one = await web.app.inject({
      url: `/api/v1/incidents/${first!.id}`,
      headers: { cookie: viewer },
    })
    expect(one.json<{ history: { to: string; actor: string }[] }>().history).toEqual([
      expect.objectContaining({ from: 'open', to: 'acknowledged', actor: 'ed' }),
    ])
  })

  it('gives a viewer 403 on a status change', async () => {
    const { web, viewer } = await setup()
    const login = await web.login('vera')
    const response = await web.app.inject({
      method: 'PATCH',
      url: '/api/v1/incidents/1',
      headers: { cookie: viewer, 'x-csrf-token': login.csrf, origin: ORIGIN },
      payload: { status: 'resolved' },
    })

    expect(response.statusCode).toBe(403)
  })

  it('validates the status and names the field', async () => {
    const { web, editor } = await setup()
    const response = await web.app.inject({
      method: 'PATCH',
      url: '/api/v1/incidents/1',
      headers: { cookie: editor.cookie, 'x-csrf-token': editor.csrf, origin: ORIGIN },
      payload: { status: 'closed' },
    })

    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('status')
  })

  it('changes several incidents at once for bulk actions', async () => {
    const { web, editor, viewer } = await setup()
    const ids = (await web.app.inject({ url: '/api/v1/incidents', headers: { cookie: viewer } }))
      .json<Page>()
      .items.map((i) => i.id)
    const response = await web.app.inject({
      method: 'POST',
      url: '/api/v1/incidents/status',
      headers: { cookie: editor.cookie, 'x-csrf-token': editor.csrf, origin: ORIGIN },
      payload: { ids, status: 'resolved' },
    })

    expect(response.statusCode).toBe(200)
    expect(response.json<{ changed: number[] }>().changed.sort()).toEqual([...ids].sort())
  })

  it('answers 404 for an unknown incident and its events', async () => {
    const { web, viewer } = await setup()

    expect(
      (await web.app.inject({ url: '/api/v1/incidents/99999', headers: { cookie: viewer } }))
        .statusCode,
    ).toBe(404)
    expect(
      (await web.app.inject({ url: '/api/v1/incidents/99999/events', headers: { cookie: viewer } }))
        .statusCode,
    ).toBe(404)
  })

  it('lists the stored events of an incident with their raw text', async () => {
    const { web, viewer } = await setup()
    const page = (
      await web.app.inject({
        url: '/api/v1/incidents?severity=MEDIUM',
        headers: { cookie: viewer },
      })
    ).json<Page>()
    const response = await web.app.inject({
      url: `/api/v1/incidents/${page.items[0]!.id}/events`,
      headers: { cookie: viewer },
    })

    expect(response.statusCode).toBe(200)
    const events = response.json<{ items: { raw: string; offset: number }[] }>().items
    expect(events.map((e) => e.offset)).toEqual([2, 3])
    expect(events[0]?.raw).toContain('connection refused')
  })

  it('serves dashboard stats', async () => {
    const { web, viewer } = await setup()
    const response = await web.app.inject({
      url: '/api/v1/stats?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z',
      headers: { cookie: viewer },
    })

    expect(response.statusCode).toBe(200)
    expect(response.json<{ occurrences: Record<string, number> }>().occurrences).toEqual({
      HIGH: 1,
      MEDIUM: 2,
      LOW: 0,
    })
  })
})
