import { loadConfig } from '../../../src/config/config.js'
import { openDatabase } from '../../../src/db/database.js'
import { createLogger } from '../../../src/observability/logger.js'
import { startTicketDrainer } from '../../../src/tickets/ticket-drainer.js'

/**
 * A worker that only drains the ticket outbox, for tests that kill it with SIGKILL.
 * Configured by the environment (DATABASE_URL, SNOW_*); TICKET_LEASE_MS shortens the lease.
 */
const config = loadConfig(process.env, process.cwd())
const database = openDatabase(config.databaseUrl, { poolSize: 6 })
const logger = createLogger({ level: 'warn', destination: process.stderr })
const stop = startTicketDrainer({
  database,
  config,
  logger,
  pollMs: 20,
  leaseMs: Number(process.env.TICKET_LEASE_MS ?? '2000'),
  backoff: { baseMs: 50, maxMs: 500 },
})
process.stdout.write('ready\n')
process.on('SIGTERM', () => {
  void stop()
    .then(() => database.close())
    .then(() => process.exit(0))
})
