import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeEach, expect, it } from 'vitest'

import { freePort, startAlims, waitFor, type AlimsProcess } from '../scale/layout.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

/** The value of an unlabelled sample in Prometheus text, or null when absent. */
function sample(text: string, name: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))

  return line === undefined ? null : Number(line.slice(name.length + 1))
}

describeEachDialect('worker metrics listener', (dialect) => {
  let dir: string
  let test: TestDatabase
  let worker: AlimsProcess | null = null

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'alims-worker-metrics-'))
    test = await createTestDatabase(dialect)
  })
  afterEach(async () => {
    await worker?.stop()
    worker = null
    await test.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves the worker counters on /metrics and the database check on /healthz', async () => {
    const log = join(dir, 'app.log')
    writeFileSync(log, '2026-01-01T00:00:00Z INFO started\n')
    const port = await freePort()
    worker = startAlims('worker', ['worker'], {
      DATABASE_URL: test.url,
      ALIMS_LOG_PATHS: join(dir, '*.log'),
      ALIMS_DATA_DIR: join(dir, 'data'),
      ALIMS_WORKER_METRICS_PORT: String(port),
    })
    const base = `http://127.0.0.1:${port}`
    const scrape = async (): Promise<string | null> => {
      const response = await fetch(`${base}/metrics`).catch(() => null)

      return response?.ok === true ? await response.text() : null
    }

    await waitFor('the metrics listener', scrape)
    appendFileSync(log, '2026-01-01T00:00:01Z ERROR payment failed for order 7\n')
    const text = await waitFor('the error to be stored', async () => {
      const scraped = await scrape()

      return scraped !== null && (sample(scraped, 'alims_store_events_total') ?? 0) >= 1
        ? scraped
        : null
    })
    expect(sample(text, 'alims_lines_read_total')).toBeGreaterThanOrEqual(2)
    expect(sample(text, 'alims_incidents_created_total')).toBe(1)
    expect(text).toContain('alims_process_resident_memory_bytes')

    const health = await fetch(`${base}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok' })
    expect(health.headers.get('cache-control')).toBe('no-store')

    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405)
    const other = await fetch(`${base}/api/v1/incidents`)
    expect(other.status).toBe(404)
  }, 60_000)

  it('refuses to start when the metrics port is taken, naming it', async () => {
    const port = await freePort()
    const { createServer } = await import('node:net')
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve))
    try {
      worker = startAlims('worker', ['worker'], {
        DATABASE_URL: test.url,
        ALIMS_LOG_PATHS: join(dir, '*.log'),
        ALIMS_DATA_DIR: join(dir, 'data'),
        ALIMS_WORKER_METRICS_PORT: String(port),
      })
      const code = await waitFor('the worker to exit', () => worker?.child.exitCode ?? null)
      expect(code).not.toBe(0)
      expect(worker.output()).toContain('LISTEN_FAILED')
      expect(worker.output()).toContain(`127.0.0.1:${port}`)
    } finally {
      blocker.close()
    }
  }, 60_000)
})
