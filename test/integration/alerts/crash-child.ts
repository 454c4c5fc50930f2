// A web process that dies the instant its email was accepted, before it can record the outcome.
import { startAlertScheduler } from '../../../src/alerts/alert-scheduler.js'
import { openDatabase } from '../../../src/db/database.js'

import { silentLogger, smtpTo } from './alert-fixtures.js'

const database = openDatabase(process.env.CRASH_DB_URL ?? '')
const now = Number(process.env.CRASH_NOW)
const scheduler = startAlertScheduler({
  database,
  config: {
    smtp: smtpTo(Number(process.env.CRASH_SMTP_PORT)),
    dataDir: '/nonexistent',
    publicUrl: 'https://alims.example.com',
  },
  logger: silentLogger,
  clock: () => now,
  timers: false,
  owner: 'doomed-process',
  afterSend: () => {
    process.kill(process.pid, 'SIGKILL')
  },
})
await scheduler.tick()
