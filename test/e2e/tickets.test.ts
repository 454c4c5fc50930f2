import { afterAll, beforeAll, expect, it } from 'vitest'

import { enqueueTicketWork } from '../../src/tickets/outbox.js'
import { FakeServiceNow } from '../fakes/servicenow-table-api.js'
import { describeEachDialect } from '../helpers/databases.js'
import { insertIncident } from '../integration/tickets/incident-rows.js'

import { submitLogin, useBrowserHarness } from './browser-harness.js'

const SNOW_PASS = 'e2e-Snow-Secret-1'

describeEachDialect('the Tickets page', (dialect) => {
  let fake: FakeServiceNow | undefined
  beforeAll(async () => {
    fake = await FakeServiceNow.start({ user: 'alims', password: SNOW_PASS })
  })
  afterAll(async () => {
    await fake?.close()
  })
  function snow(): FakeServiceNow {
    if (fake === undefined) throw new Error('the fake ServiceNow is used before beforeAll')

    return fake
  }

  const harness = useBrowserHarness(dialect, {
    name: 'tickets',
    env: () => ({ SNOW_INSTANCE: snow().url, SNOW_USER: 'alims', SNOW_PASS }),
    async seed(database) {
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
    },
  })

  it('tests the connection and retries a failed outbox row', async () => {
    const page = await harness.newPage()
    await page.goto(`${harness.base}/login?next=%2Ftickets`)
    await submitLogin(page)
    await page.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor()

    await page.getByRole('button', { name: 'Test connection' }).click()
    await page.getByText(`Connected to ${snow().url}`).waitFor()
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
    expect(harness.problems).toEqual([])
    await page.close()
  })
})
