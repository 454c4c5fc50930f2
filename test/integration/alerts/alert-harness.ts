import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'

import { startAlertScheduler, type AlertScheduler } from '../../../src/alerts/alert-scheduler.js'
import { openDatabase, type Database } from '../../../src/db/database.js'
import type { DialectName } from '../../../src/db/dialect.js'
import { createTestDatabase, type TestDatabase } from '../../helpers/databases.js'

import { ManualClock, silentLogger, smtpTo } from './alert-fixtures.js'
import { startSmtpSink, type SmtpSink } from './smtp-sink.js'

export type SchedulerOptions = Parameters<typeof startAlertScheduler>[0]

/**
 * One SMTP sink for the file, started before its first test and stopped after its last; each
 * test finds it empty, accepting and up.
 */
export function useSmtpSink(): { readonly sink: SmtpSink } {
  let sink: SmtpSink | undefined
  beforeAll(async () => {
    sink = await startSmtpSink()
  })
  afterAll(async () => {
    await sink?.stop()
  })
  beforeEach(() => {
    if (sink === undefined) return
    sink.messages.length = 0
    sink.mode = 'accept'
    sink.onAccepted = null
  })
  afterEach(async () => {
    // A test that took the server down leaves it up for the next one.
    await sink?.up()
  })

  return {
    get sink() {
      if (sink === undefined) throw new Error('the SMTP sink is used before beforeAll')

      return sink
    },
  }
}

/** What the scheduler tests share; each test gets its own database, clock and data directory. */
export interface AlertWorld {
  readonly sink: SmtpSink
  readonly test: TestDatabase
  readonly clock: ManualClock
  /** An empty directory of this test's, for the `.eml` outbox. */
  readonly dataDir: string
  /** The scheduler configuration `start` uses: mail to the sink, links to a fixed public URL. */
  readonly config: SchedulerOptions['config']
  /**
   * Starts a scheduler without timers on the test's database and clock, mailing the sink;
   * `options` override any of that. It is stopped after the test.
   */
  start(options?: Partial<SchedulerOptions>): AlertScheduler
  /** Another pool of connections to the test's database, as another process would have. */
  secondHandle(): Database
}

/** Registers the hooks of an alert integration test file inside `describeEachDialect`. */
export function useAlertWorld(dialect: DialectName): AlertWorld {
  const mail = useSmtpSink()
  let test: TestDatabase | undefined
  let clock = new ManualClock()
  let dataDir = ''
  const schedulers: AlertScheduler[] = []
  const handles: Database[] = []

  beforeEach(async () => {
    test = await createTestDatabase(dialect)
    clock = new ManualClock()
    dataDir = mkdtempSync(join(tmpdir(), 'alims-alerts-'))
  })
  afterEach(async () => {
    for (const stop of schedulers.splice(0)) await stop()
    for (const database of handles.splice(0)) await database.close()
    await test?.cleanup()
    test = undefined
    rmSync(dataDir, { recursive: true, force: true })
  })

  const world: AlertWorld = {
    get sink() {
      return mail.sink
    },
    get test() {
      if (test === undefined) throw new Error('the test database is used outside a test')

      return test
    },
    get clock() {
      return clock
    },
    get dataDir() {
      return dataDir
    },
    get config() {
      return { smtp: smtpTo(mail.sink.port), dataDir, publicUrl: 'https://alims.example.com' }
    },
    start(options = {}) {
      const scheduler = startAlertScheduler({
        database: world.test.database,
        config: world.config,
        logger: silentLogger,
        clock: clock.read,
        timers: false,
        ...options,
      })
      schedulers.push(scheduler)

      return scheduler
    },
    secondHandle() {
      const database = openDatabase(world.test.url, { poolSize: 3 })
      handles.push(database)

      return database
    },
  }

  return world
}
