import type { Command } from '../command.js'

/**
 * A sub-command known by name, its code loaded only when it runs (or for `alims --help`): a
 * command pays for its own modules alone, and `alims ingest` has no use for the web server's,
 * the accounts' or the ServiceNow client's.
 */
export interface CommandEntry {
  /** Equal to the loaded command's `name`. */
  name: string
  load(): Promise<Command>
}

/** Every sub-command; the longest names first so that `user add` wins over `user`. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'user add', load: async () => (await import('./user-add.js')).userAddCommand },
  {
    name: 'token create',
    load: async () => (await import('./token-create.js')).tokenCreateCommand,
  },
  { name: 'rules test', load: async () => (await import('./rules-test.js')).rulesTestCommand },
  { name: 'start', load: async () => (await import('./start.js')).startCommand },
  { name: 'web', load: async () => (await import('./web.js')).webCommand },
  { name: 'worker', load: async () => (await import('./worker.js')).workerCommand },
  { name: 'ingest', load: async () => (await import('./ingest.js')).ingestCommand },
  { name: 'migrate', load: async () => (await import('./migrate.js')).migrateCommand },
]
