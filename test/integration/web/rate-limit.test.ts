import { afterEach, expect, it } from 'vitest'

import { registry } from '../../../src/observability/metrics.js'
import { describeEachDialect } from '../../helpers/databases.js'

import { createWebHarness, type WebHarness } from './web-harness.js'

async function refusedSoFar(): Promise<number> {
  const metric = await registry.getSingleMetric('alims_http_rate_limited_total')?.get()

  return metric?.values[0]?.value ?? 0
}

describeEachDialect('API rate limit', (dialect) => {
  let web: WebHarness | undefined

  afterEach(async () => {
    await web?.close()
    web = undefined
  })

  const get = (h: WebHarness, url: string, remoteAddress = '192.0.2.10') =>
    h.app.inject({ method: 'GET', url, remoteAddress })

  it('refuses a client past its allowance with RATE_LIMITED and Retry-After, before access control', async () => {
    web = await createWebHarness(dialect, { env: { ALIMS_API_RATE_LIMIT: '3' } })
    const before = await refusedSoFar()

    // Requests without a session still count: a flood never reaches the session lookup.
    const allowed = [await get(web, '/api/v1/incidents'), await get(web, '/api/v1/sources')]
    allowed.push(await get(web, '/api/v1/no-such-route'))
    expect(allowed.map((r) => r.statusCode)).toEqual([401, 401, 404])

    const refused = await get(web, '/api/v1/incidents')
    expect(refused.statusCode).toBe(429)
    const body = refused.json<{ error: { code: string; message: string } }>()
    expect(Object.keys(body.error)).toEqual(['code', 'message'])
    expect(body.error.code).toBe('RATE_LIMITED')
    expect(body.error.message).toMatch(
      /^too many API requests from 192\.0\.2\.10: at most 3 a minute; retry in \d+ s$/,
    )
    const retryAfter = Number(refused.headers['retry-after'])
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(refused.headers['x-ratelimit-limit']).toBe('3')
    expect((await get(web, '/api/v1/incidents')).statusCode).toBe(429)

    // Counted every time, logged once for the address and minute.
    expect((await refusedSoFar()) - before).toBe(2)
    const warnings = web
      .logs()
      .split('\n')
      .filter((line) => line.includes('API rate limit reached'))
    expect(warnings).toHaveLength(1)
    expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({
      remoteAddress: '192.0.2.10',
      perMinute: 3,
    })
  })

  it('keeps one allowance per client address and leaves non-API paths alone', async () => {
    web = await createWebHarness(dialect, { env: { ALIMS_API_RATE_LIMIT: '2' } })
    for (let i = 0; i < 2; i++) await get(web, '/api/v1/incidents')
    expect((await get(web, '/api/v1/incidents')).statusCode).toBe(429)

    expect((await get(web, '/api/v1/incidents', '198.51.100.4')).statusCode).toBe(401)
    for (let i = 0; i < 10; i++) {
      expect((await get(web, '/healthz')).statusCode).toBe(200)
      expect((await get(web, '/metrics')).statusCode).toBe(200)
    }
  })

  it('is off with ALIMS_API_RATE_LIMIT=0', async () => {
    web = await createWebHarness(dialect, { env: { ALIMS_API_RATE_LIMIT: '0' } })
    const statuses = new Set<number>()
    for (let i = 0; i < 50; i++) statuses.add((await get(web, '/api/v1/incidents')).statusCode)
    expect([...statuses]).toEqual([401])
  })
})
