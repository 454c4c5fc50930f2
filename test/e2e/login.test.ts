import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { createAccountServices } from '../../src/accounts/index.js'
import { loadConfig } from '../../src/config/config.js'
import { openDatabase, type Database } from '../../src/db/database.js'
import { migrate } from '../../src/db/migrate.js'
import { createLogger } from '../../src/observability/logger.js'
import { DEFAULT_UI_DIR } from '../../src/web/plugins/static-ui.js'
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

// A generous cap, not a speed target: the browser shares two cores with the rest of the suite.
describe('login through the UI', { timeout: 120_000 }, () => {
  let dir: string
  let database: Database
  let web: RunningWeb
  let browser: Browser
  let base: string
  const problems: string[] = []

  beforeAll(async () => {
    if (!existsSync(join(DEFAULT_UI_DIR, 'index.html'))) {
      throw new Error('ui/dist is missing: run npm run build:ui (npm install does it)')
    }
    dir = mkdtempSync(join(tmpdir(), 'alims-e2e-'))
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    const config = loadConfig(
      {
        DATABASE_URL: `sqlite:${join(dir, 'alims.db')}`,
        ALIMS_DATA_DIR: join(dir, 'data'),
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

  beforeEach(() => {
    problems.length = 0
  })

  async function newPage(): Promise<Page> {
    const page = await browser.newPage()
    // CSP violations and script errors show up as console errors.
    page.on('console', (message) => {
      const text = message.text()
      if (message.type() === 'error' && !text.startsWith('Failed to load resource'))
        problems.push(text)
    })
    // Failed loads, except the app's "who is logged in?" probe, which answers 401 before login.
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/api/v1/me')) {
        problems.push(`${response.status()} ${response.url()}`)
      }
    })
    page.on('pageerror', (error) => problems.push(error.message))

    return page
  }

  it('sends a visitor to the login page, logs in and shows the dashboard frame', async () => {
    const page = await newPage()
    await page.goto(`${base}/incidents`)
    await page.waitForURL(/\/login\?next=%2Fincidents$/)

    await page.getByLabel('Username').fill('admin')
    await page.getByLabel('Password').fill(ADMIN_PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()

    await page.waitForURL(`${base}/incidents`)
    await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor()
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Dashboard' })
      .click()
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
    const nav = page.getByRole('navigation', { name: 'Main' })
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Dashboard',
      'Incidents',
      'Alerts',
      'Sources',
      'Users',
      'Tickets',
    ])
    expect(await nav.getByRole('link', { name: 'Dashboard' }).getAttribute('aria-current')).toBe(
      'page',
    )
    expect(await page.title()).toBe('Dashboard · alims')
    mkdirSync(RESULTS, { recursive: true })
    await page.screenshot({ path: join(RESULTS, 'login-dashboard.png'), fullPage: true })

    const cookies = await page.context().cookies()
    expect(cookies.find((c) => c.name === 'alims_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
    })
    expect(problems).toEqual([])
    await page.close()
  })

  it('shows one generic message for a wrong password', async () => {
    const page = await newPage()
    await page.goto(`${base}/login`)
    await page.getByLabel('Username').fill('admin')
    await page.getByLabel('Password').fill('not the password')
    await page.getByRole('button', { name: 'Log in' }).click()

    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 60_000 })
      .toBe('Invalid username or password.')
    expect(page.url()).toBe(`${base}/login`)
    await page.close()
  })

  it('logs out: the server forgets the session and the app returns to the login page', async () => {
    const page = await newPage()
    await page.goto(`${base}/login`)
    await page.getByLabel('Username').fill('admin')
    await page.getByLabel('Password').fill(ADMIN_PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
    const before = (await page.context().cookies()).find((c) => c.name === 'alims_session')!

    await page.getByRole('button', { name: 'Log out' }).click()
    await page.waitForURL(/\/login(\?|$)/)
    await page.getByRole('button', { name: 'Log in' }).waitFor()

    const replay = await fetch(`${base}/api/v1/me`, {
      headers: { cookie: `alims_session=${before.value}` },
    })
    expect(replay.status).toBe(401)
    await page.goto(`${base}/alerts/3`)
    await page.waitForURL(/\/login\?next=%2Falerts%2F3$/)
    await page.close()
  })

  it('lets an admin add an account on the Users page, resets its password, and the person then changes it', async () => {
    const admin = await newPage()
    await admin.goto(`${base}/login?next=%2Fusers`)
    await admin.getByLabel('Username').fill('admin')
    await admin.getByLabel('Password').fill(ADMIN_PASSWORD)
    await admin.getByRole('button', { name: 'Log in' }).click()
    await admin.getByRole('heading', { level: 1, name: 'Users' }).waitFor()

    await admin.getByLabel('Username').fill('nina')
    await admin.getByLabel('Email (optional)').fill('nina@example.com')
    await admin.getByLabel('Role', { exact: true }).selectOption('editor')
    await admin.getByLabel('First password (at least 8 characters)').fill('nina first pass')
    await admin.getByRole('button', { name: 'Add account' }).click()
    await admin.getByRole('rowheader', { name: 'nina' }).waitFor()
    expect(await admin.getByLabel('Role of nina').inputValue()).toBe('editor')
    await admin.getByRole('button', { name: 'Reset password of nina' }).click()
    await admin.getByLabel('New password (at least 8 characters)').fill('nina reset pass')
    await admin.getByRole('button', { name: 'Set password', exact: true }).click()
    await expect
      .poll(() => admin.getByRole('status').textContent(), { timeout: 60_000 })
      .toBe('Password of nina reset; their sessions ended.')
    await admin.close()

    const nina = await newPage()
    await nina.goto(`${base}/login`)
    await nina.getByLabel('Username').fill('nina')
    await nina.getByLabel('Password').fill('nina reset pass')
    await nina.getByRole('button', { name: 'Log in' }).click()
    await nina.getByRole('link', { name: 'Your account: nina' }).click()
    await nina.getByLabel('Current password').fill('nina reset pass')
    await nina.getByLabel('New password (at least 8 characters)').fill('nina second pass')
    await nina.getByLabel('Repeat the new password').fill('nina second pass')
    await nina.getByRole('button', { name: 'Change password' }).click()
    await expect
      .poll(() => nina.getByRole('alert').textContent(), { timeout: 60_000 })
      .toBe('Password changed. Your other sessions were logged out.')
    // The fresh session keeps working after the change.
    await nina.getByRole('link', { name: 'Dashboard' }).click()
    await nina.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
    expect(
      await nina.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents(),
    ).not.toContain('Users')
    expect(problems).toEqual([])
    await nina.close()
  })
})
