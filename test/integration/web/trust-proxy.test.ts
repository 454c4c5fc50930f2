import { afterEach, expect, it } from 'vitest'

import { describeEachDialect } from '../../helpers/databases.js'

import { createWebHarness, ORIGIN, type WebHarness } from './web-harness.js'

describeEachDialect('trusted proxy', (dialect) => {
  let web: WebHarness | undefined

  afterEach(async () => {
    await web?.close()
    web = undefined
  })

  async function failLogin(h: WebHarness, username: string, forwardedFor: string) {
    return h.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { origin: ORIGIN, 'x-forwarded-for': forwardedFor },
      payload: { username, password: 'wrong password' },
      remoteAddress: '127.0.0.1',
    })
  }

  it('throttles by the client address from X-Forwarded-For when the proxy is trusted', async () => {
    web = await createWebHarness(dialect, { env: { ALIMS_TRUST_PROXY: '127.0.0.1' } })
    for (let i = 0; i < 5; i += 1) await failLogin(web, `user${i}`, '203.0.113.7')

    expect((await failLogin(web, 'someone', '203.0.113.7')).statusCode).toBe(429)
    expect((await failLogin(web, 'someone-else', '198.51.100.9')).statusCode).toBe(401)
  })

  it('ignores X-Forwarded-For from an untrusted peer', async () => {
    web = await createWebHarness(dialect)
    for (let i = 0; i < 5; i += 1) await failLogin(web, `user${i}`, `203.0.113.${i}`)

    // Every attempt came from the proxy's own address, whatever the header claimed.
    expect((await failLogin(web, 'someone', '198.51.100.9')).statusCode).toBe(429)
  })
})
