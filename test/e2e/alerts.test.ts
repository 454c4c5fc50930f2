import type { Page } from 'playwright-core'
import { beforeAll, expect, it } from 'vitest'

import { describeEachDialect } from '../helpers/databases.js'
import { addIncident } from '../integration/alerts/alert-fixtures.js'
import { useSmtpSink } from '../integration/alerts/alert-harness.js'
import { parseMail } from '../integration/alerts/parse-mail.js'

import { submitLogin, useBrowserHarness } from './browser-harness.js'

describeEachDialect(
  'alerts in a browser',
  (dialect) => {
    const smtp = useSmtpSink()
    const harness = useBrowserHarness(dialect, {
      name: 'alerts',
      env: () => ({
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtp.sink.port),
        SMTP_SECURE: 'none',
        SMTP_FROM: 'alims@example.com',
      }),
      async seed(database) {
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
      },
    })
    let page: Page

    beforeAll(async () => {
      page = await harness.newPage({ viewport: { width: 1400, height: 1000 }, timeout: 15_000 })
      await page.goto(`${harness.base}/login`)
      await submitLogin(page)
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
    })

    it('creates an alert from a search, previews it, sends a test email and shows it in history', async () => {
      await page.goto(`${harness.base}/incidents?q=${encodeURIComponent('service:checkout')}`)
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
      await harness.screenshot(page, 'alert-form.png')

      await page.getByRole('button', { name: 'Create alert' }).click()
      await page.getByRole('heading', { level: 1, name: 'Checkout failures' }).waitFor()
      await page.getByRole('button', { name: 'Send test email' }).click()
      await page.getByRole('status').filter({ hasText: 'Test email sent.' }).waitFor()

      expect(smtp.sink.messages).toHaveLength(1)
      expect(smtp.sink.messages[0]?.to).toEqual(['ops@example.com', 'oncall@example.com'])
      const mail = parseMail(smtp.sink.messages[0]?.raw ?? '')
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
      await harness.screenshot(page, 'alert-details.png')

      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Alerts' })
        .click()
      await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor()
      await page.getByRole('rowheader', { name: 'Checkout failures' }).waitFor()
      expect(harness.problems).toEqual([])
    })
  },
  // A generous cap, not a speed target: the browser shares two cores with the rest of the suite.
  { timeout: 120_000 },
)
