import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createAccountServices } from '../../src/accounts/index.js'
import { loadConfig } from '../../src/config/config.js'
import { openDatabase, type Database } from '../../src/db/database.js'
import { migrate } from '../../src/db/migrate.js'
import { createLogger } from '../../src/observability/logger.js'
import { DEFAULT_UI_DIR } from '../../src/web/plugins/static-ui.js'
import { startWeb, type RunningWeb } from '../../src/web/start-web.js'
import { addIncident } from '../integration/alerts/alert-fixtures.js'
import { parseMail } from '../integration/alerts/parse-mail.js'
import { startSmtpSink, type SmtpSink } from '../integration/alerts/smtp-sink.js'

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
const ADMIN_PASSWORD = 'e2e alerts admin password'
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

// A generous cap, not a speed target: the browser shares two cores with the rest of the suite.
describe('alerts in a browser', { timeout: 120_000 }, () => {
  let dir: string
  let database: Database
  let web: RunningWeb
  let sink: SmtpSink
  let browser: Browser
  let page: Page
  let base: string
  const problems: string[] = []

  beforeAll(async () => {
    if (!existsSync(join(DEFAULT_UI_DIR, 'index.html'))) {
      throw new Error('ui/dist is missing: run npm run build:ui (npm install does it)')
    }
    dir = mkdtempSync(join(tmpdir(), 'alims-e2e-alerts-'))
    sink = await startSmtpSink()
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    const config = loadConfig(
      {
        DATABASE_URL: `sqlite:${join(dir, 'alims.db')}`,
        ALIMS_DATA_DIR: join(dir, 'data'),
        PORT: String(port),
        ALIMS_ADMIN_PASSWORD: ADMIN_PASSWORD,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(sink.port),
        SMTP_SECURE: 'none',
        SMTP_FROM: 'alims@example.com',
      },
      dir,
    )
    database = openDatabase(config.databaseUrl)
    await migrate(database)
    await createAccountServices(database).ensureAdmin(config.adminPassword)
    await addIncident(database, {
      at: Date.now() - 60_000,
      service: 'checkout',
      title: 'ERROR card declined <script>window.__pwned=1</script>',
    })
    await addIncident(database, {
      at: Date.now() - 60_000,
      service: 'search',
      title: 'ERROR index stale',
    })
    web = await startWeb(config, createLogger({ level: 'silent' }), database)
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS })
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    page.setDefaultTimeout(15_000)
    page.on('console', (message) => {
      const text = message.text()
      if (message.type() === 'error' && !text.startsWith('Failed to load resource'))
        problems.push(text)
    })
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/api/v1/me')) {
        problems.push(`${response.status()} ${response.url()}`)
      }
    })
    page.on('pageerror', (error) => problems.push(error.message))
    mkdirSync(RESULTS, { recursive: true })

    await page.goto(`${base}/login`)
    await page.getByLabel('Username').fill('admin')
    await page.getByLabel('Password').fill(ADMIN_PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
  })

  afterAll(async () => {
    await browser.close()
    await web.close()
    await database.close()
    await sink.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('creates an alert from a search, previews it, sends a test email and shows it in history', async () => {
    await page.goto(`${base}/incidents?q=${encodeURIComponent('service:checkout')}`)
    await page.getByRole('link', { name: 'Create alert from this search' }).click()
    await page.waitForURL(/\/alerts\/new\?q=service%3Acheckout$/)
    expect(await page.getByLabel('Search query').inputValue()).toBe('service:checkout')

    await page.getByLabel('Name', { exact: true }).fill('Checkout failures')
    await page.getByLabel(/^Recipients/).fill('ops@example.com, oncall@example.com')
    await page.getByLabel('Runs', { exact: true }).selectOption('daily')
    await page.getByLabel('Time zone').fill('Europe/Berlin')

    await expect
      .poll(() => page.getByTestId('preview-subject').textContent())
      .toBe('[alims] Checkout failures: 1 new or recurring incidents')
    expect(await page.getByTestId('preview-body').textContent()).toContain(
      'ERROR card declined <script>window.__pwned=1</script>',
    )
    await expect
      .poll(() => page.getByTestId('preview-next-runs').getByRole('listitem').count())
      .toBe(5)
    await page.screenshot({ path: join(RESULTS, 'alert-form.png'), fullPage: true })

    await page.getByRole('button', { name: 'Create alert' }).click()
    await page.getByRole('heading', { level: 1, name: 'Checkout failures' }).waitFor()
    await page.getByRole('button', { name: 'Send test email' }).click()
    await page.getByRole('status').filter({ hasText: 'Test email sent.' }).waitFor()

    expect(sink.messages).toHaveLength(1)
    expect(sink.messages[0]?.to).toEqual(['ops@example.com', 'oncall@example.com'])
    const mail = parseMail(sink.messages[0]?.raw ?? '')
    expect(mail.header('subject')[0]).toBe(
      '[test] [alims] Checkout failures: 1 new or recurring incidents',
    )

    const history = page.getByRole('region', { name: 'History' })
    const row = history.getByRole('row').filter({ hasText: 'test' })
    await row.waitFor()
    expect(await row.textContent()).toContain('sent')
    expect(await row.textContent()).toContain(mail.header('message-id')[0] ?? 'no message id')
    expect(
      await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
    ).toBeUndefined()
    await page.screenshot({ path: join(RESULTS, 'alert-details.png'), fullPage: true })

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Alerts' })
      .click()
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor()
    await page.getByRole('rowheader', { name: 'Checkout failures' }).waitFor()
    expect(problems).toEqual([])
  })
})
