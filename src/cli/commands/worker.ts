import { sql } from 'kysely'

import { startWorker } from '../../ingest/worker.js'
import { startMetricsListener } from '../../observability/metrics-listener.js'
import type { Command } from '../command.js'
import { openMigrated } from '../context.js'
import { nextSignal } from '../signals.js'

/** `alims worker`: tails the log files and stores incidents until SIGINT/SIGTERM. */
export const workerCommand: Command = {
  name: 'worker',
  summary: 'run the worker alone: tail logs, store incidents, send tickets',
  usage: 'alims worker   (ALIMS_WORKER_METRICS_PORT: also serve /metrics and /healthz)',
  async run(context) {
    const { config, logger } = context.setup()
    const database = await openMigrated(config, logger)
    const worker = await startWorker({ config, logger, database })
    const metrics =
      config.workerMetrics === null
        ? null
        : await startMetricsListener({
            ...config.workerMetrics,
            logger,
            isHealthy: async () => {
              await sql`select 1`.execute(database.db)

              return true
            },
          }).catch(async (error: unknown) => {
            await worker.stop()
            await database.close()
            throw error
          })

    const signal = await nextSignal()
    logger.info({ signal }, 'worker stopping')
    await metrics?.close()
    await worker.stop()
    await database.close()

    return 0
  },
}
