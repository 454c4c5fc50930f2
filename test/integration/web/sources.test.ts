import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, expect, it } from 'vitest'

import { inodeKey } from '../../../src/ingest/tail/file-identity.js'
import { saveCheckpoints } from '../../../src/ingest/tail/checkpoint-store.js'
import { IncidentStore } from '../../../src/ingest/store/incident-store.js'
import { createLogger } from '../../../src/observability/logger.js'
import { candidate } from '../../helpers/candidates.js'
import { describeEachDialect } from '../../helpers/databases.js'

import { createWebHarness, type WebHarness } from './web-harness.js'

describeEachDialect('sources and occurrences API', (dialect) => {
  let web: WebHarness | undefined
  let dir: string | undefined

  afterEach(async () => {
    await web?.close()
    web = undefined
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
    dir = undefined
  })

  it('lists watched files with offset, live size, lag, skipped lines and errors, and the globs', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'alims-sources-'))
    dir = folder
    const file = join(folder, 'app.log')
    writeFileSync(file, 'x'.repeat(1500))
    const info = await stat(file, { bigint: true })
    const [device, inode] = inodeKey(info.dev, info.ino).split(':') as [string, string]
    web = await createWebHarness(dialect, {
      env: { ALIMS_LOG_PATHS: `${folder}/*.log,./logs/**/*.log` },
    })
    await web.test.database.transaction(async (tx) => {
      await saveCheckpoints(tx, [
        {
          identity: `${device}:${inode}:abc`,
          path: file,
          device,
          inode,
          headHash: 'abc',
          offset: 1000,
          size: 1000,
          linesRead: 40,
          events: 12,
          skipped: { invalid_utf8: 2, truncated_line: 1 },
          lastEventAt: Date.UTC(2026, 0, 1),
          lastError: null,
        },
        {
          identity: '1:2:def',
          path: join(folder, 'gone.log'),
          device: '1',
          inode: '2',
          headHash: 'def',
          offset: 10,
          size: 50,
          linesRead: 1,
          events: 0,
          skipped: {},
          lastEventAt: null,
          lastError: 'EACCES: permission denied',
        },
      ])
    })
    await web.addUser('vera', 'viewer')
    const { cookie } = await web.login('vera')

    const response = await web.app.inject({ url: '/api/v1/sources', headers: { cookie } })
    const anonymous = await web.app.inject({ url: '/api/v1/sources' })

    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      globs: [`${folder}/*.log`, './logs/**/*.log'],
      cwd: expect.any(String) as string,
      items: [
        {
          path: file,
          identity: `${device}:${inode}:abc`,
          offset: 1000,
          size: 1500,
          lag: 500,
          lastEventAt: '2026-01-01T00:00:00.000Z',
          linesRead: 40,
          events: 12,
          skipped: { invalid_utf8: 2, truncated_line: 1 },
          lastError: null,
          present: true,
        },
        {
          path: join(folder, 'gone.log'),
          identity: '1:2:def',
          offset: 10,
          size: 50,
          lag: 40,
          lastEventAt: null,
          linesRead: 1,
          events: 0,
          skipped: {},
          lastError: 'EACCES: permission denied',
          present: false,
        },
      ],
    })
    expect(anonymous.statusCode).toBe(401)
  })

  it('counts the occurrences of one incident per bucket and answers 404 and 400 clearly', async () => {
    web = await createWebHarness(dialect)
    const base = Date.UTC(2026, 0, 1, 11, 0, 0)
    const store = new IncidentStore({
      database: web.test.database,
      logger: createLogger({ level: 'silent' }),
      saveCheckpoints: async () => {},
    })
    await store.commit({
      events: [
        candidate('a', { timestamp: base, offset: 1 }),
        candidate('a', { timestamp: base + 30_000, offset: 2 }),
        candidate('a', { timestamp: base + 10 * 60_000, offset: 3 }),
        candidate('b', { timestamp: base, offset: 4 }),
      ],
      checkpoints: [],
    })
    const incident = await web.test.database.db
      .selectFrom('incidents')
      .select('id')
      .where('fingerprint', '=', 'a')
      .executeTakeFirstOrThrow()
    await web.addUser('vera', 'viewer')
    const { cookie } = await web.login('vera')
    const url = `/api/v1/incidents/${incident.id}/occurrences`

    const hour = await web.app.inject({
      url: `${url}?from=2026-01-01T10:30:00Z&to=2026-01-01T11:30:00Z`,
      headers: { cookie },
    })
    const missing = await web.app.inject({
      url: '/api/v1/incidents/9999/occurrences',
      headers: { cookie },
    })
    const bad = await web.app.inject({ url: `${url}?from=yesterday-ish`, headers: { cookie } })

    expect(hour.statusCode).toBe(200)
    const body = hour.json<{
      bucketMs: number
      total: number
      series: { start: string; count: number }[]
    }>()
    expect(body.bucketMs).toBe(60_000)
    expect(body.total).toBe(3)
    expect(body.series.filter((b) => b.count > 0)).toEqual([
      { start: '2026-01-01T11:00:00.000Z', count: 2 },
      { start: '2026-01-01T11:10:00.000Z', count: 1 },
    ])
    expect(missing.statusCode).toBe(404)
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'from' } })
  })
})
