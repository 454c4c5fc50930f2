import type { Command } from '../command.js'

import { migrateCommand } from './migrate.js'

/** Every sub-command; the longest names first so that `user add` wins over `user`. */
export const COMMANDS: readonly Command[] = [migrateCommand]
