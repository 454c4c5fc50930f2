import { loadConfig, type Config } from '../config/config.js'
import { openDatabase, type Database } from '../db/database.js'
import { migrate } from '../db/migrate.js'
import { createLogger, type Logger } from '../observability/logger.js'

import type { CommandContext } from './command.js'

/** Builds the context of a real process: environment, `.env`, stdout logging. */
export function processContext(argv: string[]): CommandContext {
  let loaded: { config: Config; logger: Logger } | null = null

  return {
    argv,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    setup() {
      if (loaded !== null) return loaded

      const config = loadConfig(process.env, process.cwd())
      const logger = createLogger({ level: config.logLevel })
      for (const notice of config.notices) logger.warn({ code: notice.code }, notice.message)
      loaded = { config, logger }

      return loaded
    },
  }
}

/** Opens the configured database and brings its schema up to date. */
export async function openMigrated(config: Config, logger: Logger): Promise<Database> {
  const database = openDatabase(config.databaseUrl, { cwd: config.cwd })
  const { applied } = await migrate(database)
  if (applied.length > 0) logger.info({ applied, db: database.displayUrl }, 'database migrated')

  return database
}
