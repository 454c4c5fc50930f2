import { parseArgs } from 'node:util'

import { AppError } from '../../errors/app-error.js'
import type { Command } from '../command.js'
import { openMigrated } from '../context.js'
import { Supervisor, type ChildSpec } from '../supervisor.js'

function count(value: string | undefined, flag: string): number {
  if (value === undefined) return 1
  if (!/^\d+$/.test(value) || Number(value) < 0 || Number(value) > 32) {
    throw new AppError('USAGE', `${flag} must be an integer 0-32, got ${JSON.stringify(value)}`)
  }

  return Number(value)
}

export const startCommand: Command = {
  name: 'start',
  summary: 'run the web process and the worker, restarting either if it crashes',
  usage: 'alims start [--webs M] [--workers N]',
  async run(context) {
    const { values } = parseArgs({
      args: context.argv,
      options: { webs: { type: 'string' }, workers: { type: 'string' } },
      strict: true,
    })
    const webs = count(values.webs, '--webs')
    const workers = count(values.workers, '--workers')
    const { config, logger } = context.setup()
    const log = logger.child({ component: 'supervisor' })

    // Migrate once here, so that children starting together never race on a fresh database.
    const database = await openMigrated(config, log)
    await database.close()

    const children: ChildSpec[] = []
    for (let i = 0; i < webs; i += 1) {
      const env = i === 0 ? {} : { PORT: String(config.port + i) }
      children.push({ name: webs === 1 ? 'web' : `web-${i + 1}`, args: ['web'], env })
    }
    for (let i = 0; i < workers; i += 1) {
      children.push({ name: workers === 1 ? 'worker' : `worker-${i + 1}`, args: ['worker'] })
    }

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
