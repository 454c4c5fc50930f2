import type { Command } from '../command.js'

import { ingestCommand } from './ingest.js'
import { migrateCommand } from './migrate.js'
import { rulesTestCommand } from './rules-test.js'
import { startCommand } from './start.js'
import { tokenCreateCommand } from './token-create.js'
import { userAddCommand } from './user-add.js'
import { webCommand } from './web.js'
import { workerCommand } from './worker.js'

/** Every sub-command; the longest names first so that `user add` wins over `user`. */
export const COMMANDS: readonly Command[] = [
  userAddCommand,
  tokenCreateCommand,
  rulesTestCommand,
  startCommand,
  webCommand,
  workerCommand,
  ingestCommand,
  migrateCommand,
]
