import { openMigrated } from '../context.js'
import type { Command } from '../command.js'

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'bring the database schema up to date',
  usage: 'alims migrate',
  async run(context) {
    const { config, logger } = context.setup()
    const database = await openMigrated(config, logger)
    await database.close()
    context.stdout.write(`schema is up to date (${database.displayUrl})\n`)

    return 0
  },
}
