import { expect, it } from 'vitest'

import { describeEachDialect } from '../helpers/databases.js'

import { submitLogin, useBrowserHarness } from './browser-harness.js'

describeEachDialect('a fresh install without incidents', (dialect) => {
  const harness = useBrowserHarness(dialect, {
    name: 'empty',
    env: () => ({ ALIMS_LOG_PATHS: './logs/**/*.log,/var/log/my app/*.log' }),
  })

  it('tells a newcomer where the worker looks and how to write a test line', async () => {
    const page = await harness.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(`${harness.base}/login`)
    await submitLogin(page)

    const help = page.getByRole('region', { name: 'No incidents yet' })
    await help.getByText('./logs/**/*.log', { exact: true }).waitFor()
    expect(await help.getByText('/var/log/my app/*.log', { exact: true }).count()).toBe(1)
    expect(await help.getByText(harness.dir, { exact: true }).count()).toBe(1)
    expect(await help.locator('pre').textContent()).toBe(
      `echo '{"level":"error","message":"test"}' >> logs/app.log`,
    )
    await harness.screenshot(page, 'dashboard-empty.png')

    await page.goto(`${harness.base}/incidents`)
    await page.getByRole('region', { name: 'No incidents yet' }).waitFor()
    await page.goto(`${harness.base}/sources`)
    await page.getByRole('region', { name: 'No log file read yet' }).waitFor()
    expect(harness.problems).toEqual([])
    await page.close()
  })
})
