import type { Command } from '../command.js'
import { openMigrated } from '../context.js'

// Open requests get this long to finish after SIGINT/SIGTERM before the process gives up on them.
const SHUTDOWN_GRACE_MS = 10_000

function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.removeListener('SIGINT', onSignal)
      process.removeListener('SIGTERM', onSignal)
      resolve(signal)
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
}

/** `alims web`: the HTTP server alone. Creates the first admin; stops cleanly on SIGINT/SIGTERM. */
export const webCommand: Command = {
  name: 'web',
  summary: 'run the web server (API, UI, alert scheduler) alone',
  usage: 'alims web',
  async run(context) {
    // Loaded here, not at the top: the server's modules take longer to load than most other
    // commands take to run.
    const [{ createAccountServices }, { startAlertScheduler }, { startWeb }] = await Promise.all([
      import('../../accounts/index.js'),
      import('../../alerts/index.js'),
      import('../../web/start-web.js'),
    ])
    const { config, logger } = context.setup()
    const database = await openMigrated(config, logger)
    const admin = await createAccountServices(database).ensureAdmin(config.adminPassword)
    if (admin.generatedPassword !== null) {
      // Straight to the console, not through the logger: this one time only, never logged.
      context.stdout.write(
        [
          '',
          '  alims created the first account.',
          `    username: admin`,
          `    password: ${admin.generatedPassword}`,
          '  It is shown only this once: log in and change it under your account menu.',
          '',
          '',
        ].join('\n'),
      )
    } else if (admin.created) {
      logger.info({ username: 'admin' }, 'first admin created with ALIMS_ADMIN_PASSWORD')
    }

    const web = await startWeb(config, logger, database)
    const stopAlerts = startAlertScheduler({ database, config, logger })
    const signal = await nextSignal()
    logger.info({ signal }, 'web stopping')
    const timer = setTimeout(() => {
      logger.warn({ graceMs: SHUTDOWN_GRACE_MS }, 'web shutdown timed out')
      process.exit(1)
    }, SHUTDOWN_GRACE_MS)
    timer.unref()
    await stopAlerts()
    await web.close()
    await database.close()
    clearTimeout(timer)
    logger.info('web stopped')

    return 0
  },
}
