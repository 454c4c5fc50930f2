import { beforeEach, expect, it } from 'vitest'

import { describeEachDialect } from '../helpers/databases.js'

import { submitLogin, useBrowserHarness } from './browser-harness.js'

describeEachDialect(
  'login through the UI',
  (dialect) => {
    const harness = useBrowserHarness(dialect, { name: 'login' })
    const { problems } = harness

    beforeEach(() => {
      problems.length = 0
    })

    it('sends a visitor to the login page, logs in and shows the dashboard frame', async () => {
      const page = await harness.newPage()
      await page.goto(`${harness.base}/incidents`)
      await page.waitForURL(/\/login\?next=%2Fincidents$/)

      await submitLogin(page)

      await page.waitForURL(`${harness.base}/incidents`)
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
      await harness.screenshot(page, 'login-dashboard.png')

      const cookies = await page.context().cookies()
      expect(cookies.find((c) => c.name === 'alims_session')).toMatchObject({
        httpOnly: true,
        sameSite: 'Lax',
      })
      expect(problems).toEqual([])
      await page.close()
    })

    it('shows one generic message for a wrong password', async () => {
      const page = await harness.newPage()
      await page.goto(`${harness.base}/login`)
      await submitLogin(page, 'admin', 'not the password')

      await expect
        .poll(() => page.getByRole('alert').textContent(), { timeout: 60_000 })
        .toBe('Invalid username or password.')
      expect(page.url()).toBe(`${harness.base}/login`)
      await page.close()
    })

    it('logs out: the server forgets the session and the app returns to the login page', async () => {
      const page = await harness.newPage()
      await page.goto(`${harness.base}/login`)
      await submitLogin(page)
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
      const before = (await page.context().cookies()).find((c) => c.name === 'alims_session')!

      await page.getByRole('button', { name: 'Log out' }).click()
      await page.waitForURL(/\/login(\?|$)/)
      await page.getByRole('button', { name: 'Log in' }).waitFor()

      const replay = await fetch(`${harness.base}/api/v1/me`, {
        headers: { cookie: `alims_session=${before.value}` },
      })
      expect(replay.status).toBe(401)
      await page.goto(`${harness.base}/alerts/3`)
      await page.waitForURL(/\/login\?next=%2Falerts%2F3$/)
      await page.close()
    })

    it('lets an admin add an account on the Users page, resets its password, and the person then changes it', async () => {
      const admin = await harness.newPage()
      await admin.goto(`${harness.base}/login?next=%2Fusers`)
      await submitLogin(admin)
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

      const nina = await harness.newPage()
      await nina.goto(`${harness.base}/login`)
      await submitLogin(nina, 'nina', 'nina reset pass')
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
  },
  // A generous cap, not a speed target: the browser shares two cores with the rest of the suite.
  { timeout: 120_000 },
)
