import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeEach, expect, it } from 'vitest'

import { loadConfig } from '../../../src/config/config.js'
import { ingestFiles } from '../../../src/ingest/worker.js'
import { createLogger } from '../../../src/observability/logger.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

const logger = createLogger({ level: 'silent' })

function line(message: string, job: string, level = 'ERROR', second = 0): string {
  const timestamp = `2026-01-01T11:00:${String(second).padStart(2, '0')}Z`

  return `${JSON.stringify({ timestamp, level, source: 'delivery', message, job_id: job })}\n`
}

// The prototype's sample: nine lines it turned into nine incidents and nine tickets.
const PROTOTYPE_SAMPLE = [
  line('Failed to connect to server', 'JOB111', 'ERROR', 0),
  line('null values found', 'JOB101', 'ERROR', 1),
  line('null values found', 'JOB101', 'ERROR', 2),
  line('file missing', 'JOB101', 'ERROR', 3),
  line('Failed to connect to server', 'JOB101', 'ERROR', 4),
  line('null values found', 'JOB101', 'ERROR', 5),
  line('null values found', 'JOB102', 'ERROR', 6),
  line('file missing', 'JOB101', 'ERROR', 7),
  line('null values found', 'JOB101', 'ERROR', 8),
].join('')

describeEachDialect('alims ingest', (dialect) => {
  let test: TestDatabase | undefined
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'alims-ingest-'))
  })

  afterEach(async () => {
    await test?.cleanup()
    test = undefined
    rmSync(dir, { recursive: true, force: true })
  })

  async function ingest(t: TestDatabase, paths: string[]) {
    const config = loadConfig({ DATABASE_URL: t.url }, dir)

    return ingestFiles({ config, logger, database: t.database }, paths)
  }

  async function incidents(t: TestDatabase) {
    return t.database.db
      .selectFrom('incidents')
      .select(['title', 'severity', 'count', 'service'])
      .orderBy('title')
      .execute()
  }

  it('turns the prototype sample into three HIGH incidents with counts 2, 5 and 2', async () => {
    test = await createTestDatabase(dialect)
    const path = join(dir, 'delivery.log')
    writeFileSync(path, PROTOTYPE_SAMPLE)

    const report = await ingest(test, [path])

    expect(report).toMatchObject({ lines: 9, events: 9, incidentsCreated: 3 })
    expect(report.bySeverity).toEqual({ HIGH: 9, MEDIUM: 0, LOW: 0 })
    expect(await incidents(test)).toEqual([
      { title: 'Failed to connect to server', severity: 'HIGH', count: 2, service: 'delivery' },
      { title: 'file missing', severity: 'HIGH', count: 2, service: 'delivery' },
      { title: 'null values found', severity: 'HIGH', count: 5, service: 'delivery' },
    ])
  })

  it('makes a LOW incident of a WARN line of the same shape', async () => {
    test = await createTestDatabase(dialect)
    const path = join(dir, 'delivery.log')
    writeFileSync(path, line('disk almost full', 'JOB101', 'WARN'))

    await ingest(test, [path])

    expect(await incidents(test)).toEqual([
      { title: 'disk almost full', severity: 'LOW', count: 1, service: 'delivery' },
    ])
  })

  it('counts nothing twice when a file is ingested again, and only the new lines after an append', async () => {
    test = await createTestDatabase(dialect)
    const path = join(dir, 'delivery.log')
    writeFileSync(path, PROTOTYPE_SAMPLE)
    await ingest(test, [path])

    const again = await ingest(test, [path])
    expect(again.events).toBe(0)

    appendFileSync(path, line('file missing', 'JOB103', 'ERROR', 9))
    const appended = await ingest(test, [path])
    expect(appended).toMatchObject({ events: 1, incidentsUpdated: 1, incidentsCreated: 0 })
    const rows = await incidents(test)
    expect(rows.find((r) => r.title === 'file missing')?.count).toBe(3)
  })

  it('stores the checkpoint of each file with the incidents', async () => {
    test = await createTestDatabase(dialect)
    const path = join(dir, 'delivery.log')
    writeFileSync(path, PROTOTYPE_SAMPLE)

    await ingest(test, [path])

    const checkpoints = await test.database.db.selectFrom('processed_logs').selectAll().execute()
    expect(checkpoints).toHaveLength(1)
    expect(checkpoints[0]?.offset).toBe(Buffer.byteLength(PROTOTYPE_SAMPLE))
    expect(checkpoints[0]?.lines_read).toBe(9)
  })
})
