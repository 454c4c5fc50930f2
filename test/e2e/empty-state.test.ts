import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
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
import { startWeb, type RunningWeb } from '../../src/web/start-web.js'

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
const ADMIN_PASSWORD = 'e2e admin password'
const RESULTS = join(import.meta.dirname, '..', '..', 'test-results')

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

describe('a fresh install without incidents', () => {
  let dir: string
  let database: Database
  let web: RunningWeb
  let browser: Browser
  let base: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'alims-e2e-empty-'))
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    const config = loadConfig(
      {
        DATABASE_URL: `sqlite:${join(dir, 'alims.db')}`,
        ALIMS_DATA_DIR: join(dir, 'data'),
        ALIMS_LOG_PATHS: './logs/**/*.log,/var/log/my app/*.log',
        PORT: String(port),
        ALIMS_ADMIN_PASSWORD: ADMIN_PASSWORD,
      },
      dir,
    )
    database = openDatabase(config.databaseUrl)
    await migrate(database)
    await createAccountServices(database).ensureAdmin(config.adminPassword)
    web = await startWeb(config, createLogger({ level: 'silent' }), database)
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS })
  })

  afterAll(async () => {
    await browser.close()
    await web.close()
    await database.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('tells a newcomer where the worker looks and how to write a test line', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(`${base}/login`)
    await page.getByLabel('Username').fill('admin')
    await page.getByLabel('Password').fill(ADMIN_PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()

    const help = page.getByRole('region', { name: 'No incidents yet' })
    await help.getByText('./logs/**/*.log', { exact: true }).waitFor()
    expect(await help.getByText('/var/log/my app/*.log', { exact: true }).count()).toBe(1)
    expect(await help.getByText(dir, { exact: true }).count()).toBe(1)
    expect(await help.locator('pre').textContent()).toBe(
      `echo '{"level":"error","message":"test"}' >> logs/app.log`,
    )
    mkdirSync(RESULTS, { recursive: true })
    await page.screenshot({ path: join(RESULTS, 'dashboard-empty.png'), fullPage: true })

    await page.goto(`${base}/incidents`)
    await page.getByRole('region', { name: 'No incidents yet' }).waitFor()
    await page.goto(`${base}/sources`)
    await page.getByRole('region', { name: 'No log file read yet' }).waitFor()
    await page.close()
  })
})
