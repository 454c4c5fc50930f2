import { parseArgs } from 'node:util'

import { AppError } from '../../errors/app-error.js'
import type { Command } from '../command.js'
import { openMigrated } from '../context.js'
import { parseStartLayout, planChildren } from '../start-plan.js'
import { Supervisor } from '../supervisor.js'

export const startCommand: Command = {
  name: 'start',
  summary: 'run the web process and the worker, restarting either if it crashes',
  usage: 'alims start [--webs M] [--workers N] [--worker-paths "GLOBS;GLOBS…"]',
  async run(context) {
    const { values } = parseArgs({
      args: context.argv,
      options: {
        webs: { type: 'string' },
        workers: { type: 'string' },
        'worker-paths': { type: 'string' },
      },
      strict: true,
    })
    const { config, logger } = context.setup()
    const layout = parseStartLayout(values, config.port)
    const log = logger.child({ component: 'supervisor' })

    // Migrate once here, so that children starting together never race on a fresh database.
    const database = await openMigrated(config, log)
    await database.close()

    const children = planChildren({ ...layout, metricsPort: config.workerMetrics?.port ?? null })

    const script = process.argv[1]
    if (script === undefined)
      throw new AppError('INTERNAL', 'cannot find the alims script to run children')
    const supervisor = new Supervisor({
      command: [process.execPath, ...process.execArgv, script],
      children,
      logger: log,
    })
    supervisor.start()

    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals): void => {
        log.info({ signal }, 'stopping')
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
        void supervisor.stop('SIGTERM').then(resolve)
      }
      process.on('SIGINT', stop)
      process.on('SIGTERM', stop)
    })
    log.info('stopped')

    return 0
  },
}
