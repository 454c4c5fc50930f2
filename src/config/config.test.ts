import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { loadConfig } from './config.js'

const empty = mkdtempSync(join(tmpdir(), 'alims-config-'))

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig({}, empty)

    expect(config.databaseUrl).toBe('sqlite:./data/alims.db')
    expect(config.logPaths).toEqual(['./logs/**/*.log'])
    expect(config.host).toBe('127.0.0.1')
    expect(config.port).toBe(8080)
    expect(config.publicUrl).toBe('http://127.0.0.1:8080')
    expect(config.smtp).toBeNull()
    expect(config.serviceNow).toBeNull()
    expect(config.maxLineBytes).toBe(1024 * 1024)
    expect(config.dataDir).toBe(join(empty, 'data'))
  })

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({}, empty))).toBe(true)
  })

  it.each([
    ['PORT', '80a', 'PORT must be an integer 1-65535, got "80a"'],
    ['PORT', '0', 'PORT must be an integer 1-65535, got "0"'],
    ['PORT', '70000', 'PORT must be an integer 1-65535, got "70000"'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL must be sqlite:PATH or postgres://'],
    ['SMTP_SECURE', 'maybe', 'SMTP_SECURE must be one of starttls, starttls-required, tls, none'],
    ['ALIMS_LOG_LEVEL', 'loud', 'ALIMS_LOG_LEVEL must be one of'],
    ['ALIMS_PUBLIC_URL', 'ftp://x', 'ALIMS_PUBLIC_URL must be an http or https URL'],
    ['ALIMS_START_AT', 'middle', 'ALIMS_START_AT must be one of start, end'],
  ])('rejects %s=%s naming the variable and what was expected', (key, value, message) => {
    expect(() => loadConfig({ [key]: value }, empty)).toThrow(message)
    expect(() => loadConfig({ [key]: value }, empty)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', field: key }),
    )
  })

  it('accepts the prototype variable names with a coded deprecation notice', () => {
    const config = loadConfig(
      { FLASK_SECRET_KEY: 's3cret', LOG_DIR: '/var/log/app', LOG_FILENAME: 'app.log' },
      empty,
    )

    expect(config.sessionSecret).toBe('s3cret')
    expect(config.logPaths).toEqual(['/var/log/app/app.log'])
    expect(config.notices.map((n) => n.code).sort()).toEqual(['ALIMS_DEP001', 'ALIMS_DEP002'])
  })

  it('prefers the new names over the prototype ones', () => {
    const config = loadConfig({ SESSION_SECRET: 'new', FLASK_SECRET_KEY: 'old' }, empty)

    expect(config.sessionSecret).toBe('new')
    expect(config.notices).toEqual([])
  })

  it('splits ALIMS_LOG_PATHS on commas', () => {
    const config = loadConfig({ ALIMS_LOG_PATHS: ' /a/*.log, /b/**/*.log ,' }, empty)

    expect(config.logPaths).toEqual(['/a/*.log', '/b/**/*.log'])
  })

  it('reads a .env file, with the environment winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alims-dotenv-'))
    writeFileSync(join(dir, '.env'), 'PORT=9090\nHOST=0.0.0.0\n')

    const config = loadConfig({ HOST: '127.0.0.2' }, dir)

    expect(config.port).toBe(9090)
    expect(config.host).toBe('127.0.0.2')
  })

  it('turns a ServiceNow instance name into its base URL and keeps a full URL', () => {
    const byName = loadConfig({ SNOW_INSTANCE: 'acme', SNOW_USER: 'u', SNOW_PASS: 'p' }, empty)
    const byUrl = loadConfig(
      { SNOW_INSTANCE: 'http://127.0.0.1:9000/', SNOW_USER: 'u', SNOW_PASS: 'p' },
      empty,
    )

    expect(byName.serviceNow?.baseUrl).toBe('https://acme.service-now.com')
    expect(byUrl.serviceNow?.baseUrl).toBe('http://127.0.0.1:9000')
  })

  it('requires ServiceNow credentials when an instance is set', () => {
    expect(() => loadConfig({ SNOW_INSTANCE: 'acme' }, empty)).toThrow('SNOW_USER must be set')
  })

  it('reads which proxies to trust: none, a hop count or addresses', () => {
    expect(loadConfig({}, empty).trustProxy).toBe(false)
    expect(loadConfig({ ALIMS_TRUST_PROXY: '1' }, empty).trustProxy).toBe(1)
    expect(loadConfig({ ALIMS_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }, empty).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ])
    expect(() => loadConfig({ ALIMS_TRUST_PROXY: 'everyone' }, empty)).toThrow(
      'ALIMS_TRUST_PROXY must be a hop count (1-10) or comma-separated proxy addresses or CIDR ranges',
    )
  })

  it('reads the API rate limit: 1,200 a minute by default, 0 for none', () => {
    expect(loadConfig({}, empty).apiRateLimit).toBe(1200)
    expect(loadConfig({ ALIMS_API_RATE_LIMIT: '0' }, empty).apiRateLimit).toBe(0)
    expect(() => loadConfig({ ALIMS_API_RATE_LIMIT: '-5' }, empty)).toThrow(
      'ALIMS_API_RATE_LIMIT must be an integer 0-1000000, got "-5"',
    )
  })

  it('defaults the SMTP port by security mode', () => {
    expect(loadConfig({ SMTP_HOST: 'mail' }, empty).smtp?.port).toBe(587)
    expect(loadConfig({ SMTP_HOST: 'mail', SMTP_SECURE: 'tls' }, empty).smtp?.port).toBe(465)
  })

  it('checks the SMTP pool size and CA file at start', () => {
    expect(loadConfig({ SMTP_HOST: 'mail' }, empty).smtp?.maxConnections).toBe(5)
    expect(() => loadConfig({ SMTP_HOST: 'mail', SMTP_MAX_CONNECTIONS: '0' }, empty)).toThrow(
      'SMTP_MAX_CONNECTIONS must be an integer 1-50, got "0"',
    )
    expect(() =>
      loadConfig({ SMTP_HOST: 'mail', SMTP_CA_FILE: join(empty, 'missing.pem') }, empty),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', field: 'SMTP_CA_FILE' }))
  })
})
