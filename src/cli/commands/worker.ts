import { startWorker } from '../../ingest/worker.js'
import type { Command } from '../command.js'
import { openMigrated } from '../context.js'
import { nextSignal } from '../signals.js'

/** `alims worker`: tails the log files and stores incidents until SIGINT/SIGTERM. */
export const workerCommand: Command = {
  name: 'worker',
  summary: 'run the worker alone: tail logs, store incidents, send tickets',
  usage: 'alims worker',
  async run(context) {
    const { config, logger } = context.setup()
    const database = await openMigrated(config, logger)
    const worker = await startWorker({ config, logger, database })

    const signal = await nextSignal()
    logger.info({ signal }, 'worker stopping')
    await worker.stop()
    await database.close()

    return 0
  },
}
