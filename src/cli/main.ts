import { isAppError } from '../errors/app-error.js'

import type { Command, CommandContext } from './command.js'
import { COMMANDS } from './commands/index.js'
import { processContext } from './context.js'

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length))
  const lines = COMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`)

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

function find(argv: string[]): { command: Command; rest: string[] } | null {
  for (const command of COMMANDS) {
    const words = command.name.split(' ')
    if (words.every((word, i) => argv[i] === word))
      return { command, rest: argv.slice(words.length) }
  }

  return null
}

/** Runs the command that `argv` names and resolves to the exit code. */
export async function runCli(argv: string[], makeContext = processContext): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(help())

    return argv.length === 0 ? 2 : 0
  }

  const found = find(argv)
  if (found === null) {
    process.stderr.write(`alims: unknown command "${argv.join(' ')}"\n\n${help()}`)

    return 2
  }

  const context: CommandContext = makeContext(found.rest)
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    context.stdout.write(`usage: ${found.command.usage}\n\n${found.command.summary}\n`)

    return 0
  }

  try {
    return await found.command.run(context)
  } catch (error) {
    if (isAppError(error)) {
      context.stderr.write(`alims: ${error.message} [${error.code}]\n`)

      return error.code === 'USAGE' ? 2 : 1
    }
    context.stderr.write(
      `alims: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )

    return 1
  }
}

const exitCode = await runCli(process.argv.slice(2))
process.exitCode = exitCode
