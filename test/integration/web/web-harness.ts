import { PassThrough } from 'node:stream'

import type { LightMyRequestResponse } from 'fastify'

import {
  createAccountServices,
  type AccountServices,
  type Role,
} from '../../../src/accounts/index.js'
import { loadConfig, type Config } from '../../../src/config/config.js'
import type { DialectName } from '../../../src/db/dialect.js'
import { createLogger } from '../../../src/observability/logger.js'
import { buildServer } from '../../../src/web/server.js'
import type { WebApp } from '../../../src/web/web-deps.js'
import { createTestDatabase, type TestDatabase } from '../../helpers/databases.js'

/** The public URL the harness configures; requests send its origin. */
export const PUBLIC_URL = 'http://alims.test:8080'
export const ORIGIN = 'http://alims.test:8080'

/** A web app over a fresh database, with a movable clock and every log line captured. */
export interface WebHarness {
  app: WebApp
  accounts: AccountServices
  config: Config
  test: TestDatabase
  /** Every log line written so far, as text. */
  logs(): string
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void
  /** Creates an account directly (no HTTP). */
  addUser(username: string, role: Role, password?: string): Promise<number>
  /** Logs in through HTTP; returns the cookie header value and CSRF token. */
  login(username: string, password?: string): Promise<{ cookie: string; csrf: string }>
  close(): Promise<void>
}

/** The default password of harness accounts. */
export const PASSWORD = 'correct horse battery staple'

/** `name=value` of the session cookie a response set. */
export function sessionCookie(response: LightMyRequestResponse): string {
  const found = response.cookies.find((c) => c.name === 'alims_session')
  if (found === undefined) throw new Error(`no session cookie in a ${response.statusCode} response`)

  return `${found.name}=${found.value}`
}

export interface HarnessOptions {
  env?: Record<string, string>
  uiDir?: string | null
  /** Adds routes before the app is readied, e.g. one that fails. */
  extend?: (app: WebApp) => void
}

export async function createWebHarness(
  dialect: DialectName,
  options: HarnessOptions = {},
): Promise<WebHarness> {
  const test = await createTestDatabase(dialect)
  let now = Date.now()
  const clock = () => now
  const accounts = createAccountServices(test.database, { now: clock })
  const config = loadConfig({ ALIMS_PUBLIC_URL: PUBLIC_URL, ...options.env }, '/nonexistent')
  const stream = new PassThrough()
  const chunks: string[] = []
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')))
  const logger = createLogger({ level: 'debug', destination: stream })
  const app = await buildServer(
    { config, logger, database: test.database, accounts, uiDir: options.uiDir ?? null },
    { cookieSecret: 'test-secret' },
  )
  options.extend?.(app)
  await app.ready()

  const harness: WebHarness = {
    app,
    accounts,
    config,
    test,
    logs: () => chunks.join(''),
    advance(ms) {
      now += ms
    },
    async addUser(username, role, password = PASSWORD) {
      const account = await accounts.users.create(
        { username, role, password },
        { id: null, name: 'test' },
      )

      return account.id
    },
    async login(username, password = PASSWORD) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/session',
        headers: { origin: ORIGIN },
        payload: { username, password },
      })
      if (response.statusCode !== 200) {
        throw new Error(`login failed: ${response.statusCode} ${response.body}`)
      }

      return {
        cookie: sessionCookie(response),
        csrf: response.json<{ csrfToken: string }>().csrfToken,
      }
    },
    async close() {
      await app.close()
      await test.cleanup()
    },
  }

  return harness
}
