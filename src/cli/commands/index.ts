import type { Command } from '../command.js'

import { migrateCommand } from './migrate.js'
import { startCommand } from './start.js'

/** Every sub-command; the longest names first so that `user add` wins over `user`. */
export const COMMANDS: readonly Command[] = [startCommand, migrateCommand]
