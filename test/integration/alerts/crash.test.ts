import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import { expect, it } from 'vitest'

import { DEFAULT_CLAIM_TTL_MS } from '../../../src/alerts/alert-claim.js'
import { findAlert } from '../../../src/alerts/alert-repository.js'
import { listRuns } from '../../../src/alerts/alert-run.js'
import { startAlertScheduler } from '../../../src/alerts/alert-scheduler.js'
import { describeEachDialect } from '../../helpers/databases.js'

import { addAlert, addIncident, MINUTE, silentLogger, smtpTo, T0 } from './alert-fixtures.js'
import { useAlertWorld } from './alert-harness.js'
import { parseMail } from './parse-mail.js'

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url))

function runChild(env: Record<string, string>): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (signal === null && code !== 0) reject(new Error(`child exited ${code}: ${stderr}`))
      else resolve(signal)
    })
  })
}

describeEachDialect('alert run killed between sending and recording', (dialect) => {
  const world = useAlertWorld(dialect)

  it('resends at most once, with the same Message-ID, marked as a possible duplicate', async () => {
    const alert = await addAlert(world.test.database, T0)
    await addIncident(world.test.database, { at: T0 + 10_000, title: 'ERROR before the crash' })
    const crashAt = T0 + MINUTE + 1000

    const signal = await runChild({
      CRASH_DB_URL: world.test.url,
      CRASH_NOW: String(crashAt),
      CRASH_SMTP_PORT: String(world.sink.port),
    })
    expect(signal).toBe('SIGKILL')
    expect(world.sink.messages).toHaveLength(1)
    const [orphan] = await listRuns(world.test.database, { alertId: alert.id })
    expect(orphan?.status).toBe('running')
    expect((await findAlert(world.test.database, alert.id))?.lastTriggeredAt).toBe(T0)

    // The restarted process waits for the dead one's claim to expire, then takes the run over.
    const now = crashAt + DEFAULT_CLAIM_TTL_MS + 1000
    const scheduler = startAlertScheduler({
      database: world.test.database,
      config: {
        smtp: smtpTo(world.sink.port),
        dataDir: '/nonexistent',
        publicUrl: 'https://alims.example.com',
      },
      logger: silentLogger,
      clock: () => now,
      timers: false,
    })
    expect((await scheduler.tick()).statuses).toEqual({ sent: 1 })
    expect((await scheduler.tick()).ran).toBe(0)
    await scheduler()

    expect(world.sink.messages).toHaveLength(2)
    const [first, second] = world.sink.messages.map((m) => parseMail(m.raw))
    expect(second?.header('message-id')).toEqual(first?.header('message-id'))
    expect(second?.header('x-alims-possible-duplicate')).toEqual(['yes'])
    expect(first?.header('x-alims-possible-duplicate')).toEqual([])

    const runs = await listRuns(world.test.database, { alertId: alert.id })
    expect(runs.map((r) => [r.status, r.possibleDuplicate, r.messageId])).toEqual([
      ['sent', true, `<alert-${alert.id}-${T0}@alims>`],
      ['failed', false, `<alert-${alert.id}-${T0}@alims>`],
    ])
    expect(runs[1]?.error).toMatch(/^interrupted/)
    expect((await findAlert(world.test.database, alert.id))?.lastTriggeredAt).toBe(now - 5000)
  })
})
