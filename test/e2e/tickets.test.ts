import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createAccountServices } from '../../src/accounts/index.js'
import { loadConfig } from '../../src/config/config.js'
import { openDatabase, type Database } from '../../src/db/database.js'
import { migrate } from '../../src/db/migrate.js'
import { createLogger } from '../../src/observability/logger.js'
import { enqueueTicketWork } from '../../src/tickets/outbox.js'
import { DEFAULT_UI_DIR } from '../../src/web/plugins/static-ui.js'
import { startWeb, type RunningWeb } from '../../src/web/start-web.js'
import { FakeServiceNow } from '../fakes/servicenow-table-api.js'
import { insertIncident } from '../integration/tickets/incident-rows.js'

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const ADMIN_PASSWORD = 'e2e tickets admin password'
const SNOW_PASS = 'e2e-Snow-Secret-1'

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0)
      })
    })
  })
}

describe('the Tickets page', () => {
  let dir: string
  let database: Database
  let web: RunningWeb
  let browser: Browser
  let fake: FakeServiceNow
  let base: string

  beforeAll(async () => {
    if (!existsSync(join(DEFAULT_UI_DIR, 'index.html'))) {
      throw new Error('ui/dist is missing: run npm run build:ui (npm install does it)')
    }
    dir = mkdtempSync(join(tmpdir(), 'alims-e2e-tickets-'))
    fake = await FakeServiceNow.start({ user: 'alims', password: SNOW_PASS })
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    const config = loadConfig(
      {
        DATABASE_URL: `sqlite:${join(dir, 'alims.db')}`,
        ALIMS_DATA_DIR: join(dir, 'data'),
        PORT: String(port),
        ALIMS_ADMIN_PASSWORD: ADMIN_PASSWORD,
        SNOW_INSTANCE: fake.url,
        SNOW_USER: 'alims',
        SNOW_PASS,
      },
      dir,
    )
    database = openDatabase(config.databaseUrl)
    await migrate(database)
    await createAccountServices(database).ensureAdmin(config.adminPassword)
    const id = await insertIncident(database.db, { title: 'checkout <b>timeout</b>' })
    await enqueueTicketWork(database.db, { incidentId: id, kind: 'create', now: Date.now() })
    await database.db
      .updateTable('ticket_outbox')
      .set({
        state: 'failed',
        attempts: 1,
        last_error: 'SNOW_REJECTED: ServiceNow rejected the request (HTTP 403)',
      })
      .execute()
    web = await startWeb(config, createLogger({ level: 'silent' }), database)
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS })
  })

  afterAll(async () => {
    await browser.close()
    await web.close()
    await database.close()
    await fake.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('tests the connection and retries a failed outbox row', async () => {
    const page = await browser.newPage()
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    await page.goto(`${base}/login?next=%2Ftickets`)
    await page.getByLabel('Username').fill('admin')
    await page.getByLabel('Password').fill(ADMIN_PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor()

    await page.getByRole('button', { name: 'Test connection' }).click()
    await page.getByText(`Connected to ${fake.url}`).waitFor()
    const checks = await page.getByRole('listitem').allTextContents()
    expect(checks.filter((c) => c.startsWith('✓'))).toEqual([
      '✓ Credentials: logged in as alims',
      '✓ Incident table: the incident table is readable',
      '✓ itil role: alims has the itil role',
    ])

    const row = page.getByRole('row', { name: /checkout <b>timeout<\/b>/ })
    expect(await row.getByRole('cell').allTextContents()).toContain(
      'SNOW_REJECTED: ServiceNow rejected the request (HTTP 403)',
    )
    expect(await page.locator('b').count()).toBe(0)
    await row.getByRole('button', { name: /Retry now/ }).click()
    await page.getByText(/is due now; the worker sends it shortly\./).waitFor()
    await expect.poll(() => row.getByRole('cell').nth(2).textContent()).toBe('pending')

    expect(await page.content()).not.toContain(SNOW_PASS)
    expect(problems).toEqual([])
    await page.close()
  })
})
