import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { chromium, type Browser, type Page, type Response } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'

import { createAccountServices } from '../../src/accounts/index.js'
import { loadConfig, type Config } from '../../src/config/config.js'
import { openDatabase, type Database } from '../../src/db/database.js'
import type { DialectName } from '../../src/db/dialect.js'
import { createLogger } from '../../src/observability/logger.js'
import { DEFAULT_UI_DIR } from '../../src/web/plugins/static-ui.js'
import { startWeb, type RunningWeb } from '../../src/web/start-web.js'
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js'
import { freePort } from '../helpers/ports.js'

/** Debian's Chromium, driven by playwright-core; no browser is ever downloaded. */
const CHROMIUM = '/usr/bin/chromium'
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

/** The password of the `admin` account every browser suite starts with. */
export const ADMIN_PASSWORD = 'e2e admin password'

/** Screenshots and figures kept for review; PostgreSQL runs write theirs to a subfolder. */
export const RESULTS = join(import.meta.dirname, '..', '..', 'test-results')

/** A silent logger for the servers the suites start. */
export const silentLogger = createLogger({ level: 'silent' })

export interface BrowserHarnessOptions {
  /** Names the temporary directory, `alims-e2e-NAME-…`. */
  name: string
  /** Environment beyond the database, port and admin password; `dir` is the suite's directory. */
  env?: (dir: string) => Record<string, string>
  /** Writes rows into the migrated database before the web server starts. */
  seed?: (database: Database) => Promise<void>
}

export interface PageOptions {
  viewport?: { width: number; height: number }
  /** Milliseconds an action or wait may take before it fails. */
  timeout?: number
  /** Marks an HTTP error the suite provokes on purpose, so it is not counted as a problem. */
  expected?: (response: Response) => boolean
}

/** A web server over a fresh database of one dialect, and a browser to drive it. */
export interface BrowserHarness {
  readonly dialect: DialectName
  /** The suite's temporary directory, also the working directory of its configuration. */
  readonly dir: string
  /** Origin of the web server, e.g. http://127.0.0.1:41234. */
  readonly base: string
  readonly config: Config
  readonly database: Database
  readonly browser: Browser
  /**
   * Script errors, CSP violations and failed HTTP responses of every page made by `newPage`,
   * the 401 of the app's "who is logged in?" probe aside.
   */
  readonly problems: string[]
  /** Opens a page whose problems are collected into `problems`. */
  newPage(options?: PageOptions): Promise<Page>
  /** Another pool of connections to the suite's database, as another process would have. */
  secondHandle(): Database
  /** Saves a full-page screenshot under `RESULTS` and returns its path. */
  screenshot(page: Page, file: string): Promise<string>
  /** The path of a result file under `RESULTS`, its folder created. */
  resultPath(file: string): string
}

/** Fills in the login form the page shows and submits it. */
export async function submitLogin(
  page: Page,
  username = 'admin',
  password = ADMIN_PASSWORD,
): Promise<void> {
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Log in' }).click()
}

/** Collects the problems of one page into `problems`. */
function watch(page: Page, problems: string[], expected: PageOptions['expected']): void {
  // CSP violations and script errors show up as console errors; failed loads are counted below.
  page.on('console', (message) => {
    const text = message.text()
    if (message.type() === 'error' && !text.startsWith('Failed to load resource')) {
      problems.push(text)
    }
  })
  page.on('response', (response) => {
    const isProbe = response.url().endsWith('/api/v1/me')
    if (response.status() >= 400 && !isProbe && expected?.(response) !== true) {
      problems.push(`${response.status()} ${response.url()}`)
    }
  })
  page.on('pageerror', (error) => problems.push(error.message))
}

/**
 * Registers the hooks of a browser suite: before its first test a temporary directory, a
 * migrated database of `dialect` with an `admin` account, the web server on a free port and
 * Chromium; after its last test all of it is closed and removed again. Hooks registered before
 * this call run before its start and after its stop.
 */
export function useBrowserHarness(
  dialect: DialectName,
  options: BrowserHarnessOptions,
): BrowserHarness {
  let started:
    | {
        dir: string
        base: string
        config: Config
        test: TestDatabase
        web: RunningWeb
        browser: Browser
      }
    | undefined
  const handles: Database[] = []
  const problems: string[] = []

  beforeAll(async () => {
    if (!existsSync(join(DEFAULT_UI_DIR, 'index.html'))) {
      throw new Error('ui/dist is missing: run npm run build:ui (npm install does it)')
    }

    const dir = mkdtempSync(join(tmpdir(), `alims-e2e-${options.name}-`))
    const test = await createTestDatabase(dialect)
    const port = await freePort()
    const config = loadConfig(
      {
        ...options.env?.(dir),
        DATABASE_URL: test.url,
        ALIMS_DATA_DIR: join(dir, 'data'),
        PORT: String(port),
        ALIMS_ADMIN_PASSWORD: ADMIN_PASSWORD,
      },
      dir,
    )
    await createAccountServices(test.database).ensureAdmin(config.adminPassword)
    await options.seed?.(test.database)
    const web = await startWeb(config, silentLogger, test.database)
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS })

    started = { dir, base: `http://127.0.0.1:${port}`, config, test, web, browser }
  })

  afterAll(async () => {
    if (started === undefined) return

    await started.browser.close()
    await started.web.close()
    for (const database of handles.splice(0)) await database.close()
    await started.test.cleanup()
    rmSync(started.dir, { recursive: true, force: true })
  })

  function running(): NonNullable<typeof started> {
    if (started === undefined) throw new Error('the browser harness is used before beforeAll')

    return started
  }

  const harness: BrowserHarness = {
    dialect,
    problems,
    get dir() {
      return running().dir
    },
    get base() {
      return running().base
    },
    get config() {
      return running().config
    },
    get database() {
      return running().test.database
    },
    get browser() {
      return running().browser
    },
    async newPage(pageOptions = {}) {
      const page = await running().browser.newPage(
        pageOptions.viewport === undefined ? {} : { viewport: pageOptions.viewport },
      )
      if (pageOptions.timeout !== undefined) page.setDefaultTimeout(pageOptions.timeout)
      watch(page, problems, pageOptions.expected)

      return page
    },
    secondHandle() {
      const database = openDatabase(running().test.url, { poolSize: 3 })
      handles.push(database)

      return database
    },
    async screenshot(page, file) {
      const path = harness.resultPath(file)
      await page.screenshot({ path, fullPage: true })

      return path
    },
    resultPath(file) {
      const folder = dialect === 'sqlite' ? RESULTS : join(RESULTS, dialect)
      mkdirSync(folder, { recursive: true })

      return join(folder, file)
    },
  }

  return harness
}
