import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { loadConfig } from '../../../src/config/config.js'
import { ServiceNowClient } from '../../../src/tickets/servicenow-client.js'
import { FakeServiceNow } from '../../fakes/servicenow-table-api.js'

describe('ServiceNow over TLS', () => {
  let dir: string
  let fake: FakeServiceNow

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'alims-tls-'))
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=alims test CA',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    )
    fake = await FakeServiceNow.start({
      password: 'tls-pass',
      tls: {
        key: readFileSync(join(dir, 'key.pem'), 'utf8'),
        cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      },
    })
  })
  afterAll(async () => {
    await fake.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const env = () => ({ SNOW_INSTANCE: fake.url, SNOW_USER: 'alims', SNOW_PASS: 'tls-pass' })

  it('refuses a certificate it cannot verify, as a TLS failure', async () => {
    const snow = loadConfig(env(), '/nonexistent').serviceNow
    if (snow === null) throw new Error('not configured')
    const client = new ServiceNowClient(snow)

    await expect(client.create({ short_description: 'x' })).rejects.toMatchObject({
      code: 'SNOW_TLS_FAILED',
      message: expect.stringMatching(
        /^ServiceNow request failed: TLS verification failed \(/,
      ) as unknown,
    })
    client.close()
    expect(fake.incidents()).toHaveLength(0)
  })

  it('trusts a CA given in SNOW_CA_FILE', async () => {
    const snow = loadConfig(
      { ...env(), SNOW_CA_FILE: join(dir, 'cert.pem') },
      '/nonexistent',
    ).serviceNow
    if (snow === null) throw new Error('not configured')
    const client = new ServiceNowClient(snow)

    const ticket = await client.create({ short_description: 'over TLS', correlation_id: 'tls-1' })
    const found = await client.findByCorrelationId('tls-1')
    client.close()

    expect(found).toEqual(ticket)
    expect(ticket.number).toMatch(/^INC\d{7}$/)
  })

  it('gives up on a connection that never completes within the connect timeout', async () => {
    // Accepts TCP but never answers the TLS handshake.
    const silent = createServer(() => undefined)
    await new Promise<void>((done) =>
      silent.listen(0, '127.0.0.1', () => {
        done()
      }),
    )
    const port = (silent.address() as AddressInfo).port
    const snow = loadConfig(
      { ...env(), SNOW_INSTANCE: `https://127.0.0.1:${port}`, SNOW_CONNECT_TIMEOUT_MS: '200' },
      '/nonexistent',
    ).serviceNow
    if (snow === null) throw new Error('not configured')
    const client = new ServiceNowClient(snow)

    await expect(client.findByCorrelationId('x')).rejects.toMatchObject({
      code: 'SNOW_TIMEOUT',
      message: 'ServiceNow request failed: no connection within 200 ms',
    })
    client.close()
    silent.close()
  })

  it('rejects a SNOW_CA_FILE that is not a PEM certificate', () => {
    expect(() => loadConfig({ ...env(), SNOW_CA_FILE: join(dir, 'key.pem') }, '/x')).toThrow(
      /SNOW_CA_FILE must be a PEM file/,
    )
  })
})
