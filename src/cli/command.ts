import type { Config } from '../config/config.js'
import type { Logger } from '../observability/logger.js'

/** What every command receives: its arguments and the process's streams. */
export interface CommandContext {
  argv: string[]
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  stdin: NodeJS.ReadableStream
  env: NodeJS.ProcessEnv
  cwd: string
  /** Loads and validates the configuration (once) and creates the root logger. */
  setup(): { config: Config; logger: Logger }
}

/** One `alims` sub-command. `run` resolves to the process's exit code. */
export interface Command {
  name: string
  summary: string
  usage: string
  run(context: CommandContext): Promise<number>
}
