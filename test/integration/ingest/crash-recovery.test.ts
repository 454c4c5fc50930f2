import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeEach, expect, it } from 'vitest'

import { loadConfig } from '../../../src/config/config.js'
import { ingestFiles } from '../../../src/ingest/worker.js'
import { createLogger } from '../../../src/observability/logger.js'
import { runAlims, spawnAlims } from '../../helpers/cli.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

const logger = createLogger({ level: 'silent' })
const LINES = 60_000
const OPERATIONS = [
  'billing',
  'checkout',
  'inventory',
  'shipping',
  'search',
  'login',
  'export',
  'import',
]
const FAILURES = ['timed out', 'was refused', 'returned no rows', 'hit a deadlock', 'lost its lock']
// More kinds than `alims ingest` holds fingerprints per transaction (400), so that a run commits
// several times before the end of the file and the kills can land between commits.
const COMPONENTS = [
  'ledger',
  'cart',
  'stock',
  'courier',
  'index',
  'session',
  'report',
  'feed',
  'catalog',
  'payout',
  'invoice',
  'mailer',
]

/**
 * A backlog of mixed lines: every fifth an error of one of 480 kinds (operation × failure ×
 * component), some with a stack trace.
 */
function writeBacklog(path: string): void {
  const parts: string[] = []
  for (let i = 0; i < LINES; i += 1) {
    const at = new Date(Date.UTC(2026, 0, 1) + i * 100).toISOString()
    if (i % 5 !== 0) {
      parts.push(`${at} INFO [main] app.Server - request ${i} served in ${i % 97} ms\n`)
    } else if (i % 35 === 0) {
      parts.push(
        `${at} ERROR [main] app.Jobs - job ${i} crashed\n` +
          `java.lang.IllegalStateException: state ${i % 7} invalid\n` +
          `\tat app.Jobs.run(Jobs.java:${40 + (i % 3)})\n` +
          `\tat app.Main.main(Main.java:12)\n`,
      )
    } else {
      const operation = OPERATIONS[i % OPERATIONS.length]!
      const failure = FAILURES[Math.floor(i / 10) % FAILURES.length]!
      const component = COMPONENTS[Math.floor(i / 40) % COMPONENTS.length]!
      parts.push(
        `${at} ERROR [main] app.Store - ${operation} for user ${i} ${failure} in ${component}\n`,
      )
    }
  }
  writeFileSync(path, parts.join(''))
}

async function countsByFingerprint(t: TestDatabase): Promise<Record<string, number>> {
  const rows = await t.database.db
    .selectFrom('incidents')
    .select(['fingerprint', 'count'])
    .execute()

  return Object.fromEntries(rows.map((r) => [r.fingerprint, r.count]))
}

async function storedOffset(t: TestDatabase): Promise<number> {
  const row = await t.database.db.selectFrom('processed_logs').select('offset').executeTakeFirst()

  return row?.offset ?? 0
}

describeEachDialect('crash recovery', (dialect) => {
  let reference: TestDatabase | undefined
  let crashed: TestDatabase | undefined
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'alims-crash-'))
  })

  afterEach(async () => {
    await reference?.cleanup()
    await crashed?.cleanup()
    reference = undefined
    crashed = undefined
    rmSync(dir, { recursive: true, force: true })
  })

  it('gives the same incident counts after kill -9 in the middle of a backlog as without', async () => {
    const path = join(dir, 'app.log')
    writeBacklog(path)
    const size = statSync(path).size

    reference = await createTestDatabase(dialect)
    const config = loadConfig({ DATABASE_URL: reference.url }, dir)
    await ingestFiles({ config, logger, database: reference.database }, [path])
    const expected = await countsByFingerprint(reference)
    expect(Object.keys(expected).length).toBeGreaterThan(400)

    crashed = await createTestDatabase(dialect)
    const env = { DATABASE_URL: crashed.url }
    const killedAt: number[] = []
    for (let kill = 0; kill < 3; kill += 1) {
      const before = await storedOffset(crashed)
      const child = spawnAlims(['ingest', path], { env, cwd: dir })
      const exited = new Promise((resolve) => child.once('exit', resolve))
      // Kill it once it has committed at least one more batch, before it reaches the end.
      for (;;) {
        const offset = await storedOffset(crashed)
        if (offset > before || child.exitCode !== null) break
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      child.kill('SIGKILL')
      await exited
      killedAt.push(await storedOffset(crashed))
    }

    const finished = await runAlims(['ingest', path], { env, cwd: dir })
    expect(finished.code).toBe(0)

    // The kills landed in the middle of the file: otherwise the test proved nothing.
    expect(killedAt.some((offset) => offset > 0 && offset < size)).toBe(true)
    expect(await storedOffset(crashed)).toBe(size)
    expect(await countsByFingerprint(crashed)).toEqual(expected)
  }, 180_000)
})
