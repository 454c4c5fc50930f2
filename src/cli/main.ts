import { isAppError } from '../errors/app-error.js'

import type { CommandContext } from './command.js'
import { COMMANDS, type CommandEntry } from './commands/index.js'
import { processContext } from './context.js'

async function help(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map((entry) => entry.load()))
  const width = Math.max(...commands.map((c) => c.usage.length))
  const lines = commands.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`)

  return [
    'usage: alims <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    'Every command takes --help.',
    '',
  ].join('\n')
}

function find(argv: string[]): { entry: CommandEntry; rest: string[] } | null {
  for (const entry of COMMANDS) {
    const words = entry.name.split(' ')
    if (words.every((word, i) => argv[i] === word)) return { entry, rest: argv.slice(words.length) }
  }

  return null
}

// An error no command expected: its stack, for the bug report.
function unexpected(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

/** Runs the command that `argv` names and resolves to the exit code. */
export async function runCli(argv: string[], makeContext = processContext): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(await help())

    return argv.length === 0 ? 2 : 0
  }

  const found = find(argv)
  if (found === null) {
    process.stderr.write(`alims: unknown command "${argv.join(' ')}"\n\n${await help()}`)

    return 2
  }

  const command = await found.entry.load()
  const context: CommandContext = makeContext(found.rest)
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    context.stdout.write(`usage: ${command.usage}\n\n${command.summary}\n`)

    return 0
  }

  try {
    return await command.run(context)
  } catch (error) {
    if (isAppError(error)) {
      context.stderr.write(`alims: ${error.message} [${error.code}]\n`)

      return error.code === 'USAGE' ? 2 : 1
    }
    context.stderr.write(`alims: ${unexpected(error)}\n`)

    return 1
  }
}

// No top-level await: the build makes a CommonJS script of this module (see build-server.mjs).
runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`alims: ${unexpected(error)}\n`)
    process.exitCode = 1
  },
)
