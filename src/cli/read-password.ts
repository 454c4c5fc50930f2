import { AppError } from '../errors/app-error.js'

import type { CommandContext } from './command.js'

/** Reads all of stdin and returns its first line: for `--password-stdin`. */
export async function readPasswordFromStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')

  return text.split(/\r?\n/)[0] ?? ''
}

interface RawInput extends NodeJS.ReadableStream {
  isTTY?: boolean
  setRawMode?: (mode: boolean) => unknown
}

/** Reads one line from a terminal without echoing it; Ctrl-C aborts. */
function promptHidden(context: CommandContext, question: string): Promise<string> {
  const input = context.stdin as RawInput
  context.stderr.write(question)

  return new Promise((resolve, reject) => {
    let typed = ''
    const finish = (error: Error | null) => {
      input.setRawMode?.(false)
      input.removeListener('data', onData)
      input.pause()
      context.stderr.write('\n')
      if (error === null) resolve(typed)
      else reject(error)
    }
    const onData = (data: Buffer | string) => {
      for (const char of data.toString()) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish(null)

          return
        }
        if (char === '\u0003') {
          finish(new AppError('USAGE', 'password prompt cancelled'))

          return
        }
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1)
        else typed += char
      }
    }
    input.setRawMode?.(true)
    input.resume()
    input.on('data', onData)
  })
}

/**
 * The new password for a command: from stdin with `--password-stdin`, else asked twice at the
 * terminal with echo off. Never from argv, where other users could read it in the process list.
 */
export async function readNewPassword(
  context: CommandContext,
  fromStdin: boolean,
): Promise<string> {
  if (fromStdin) return readPasswordFromStdin(context.stdin)

  if ((context.stdin as RawInput).isTTY !== true) {
    throw new AppError(
      'USAGE',
      'no terminal to ask for the password: pipe it in with --password-stdin',
    )
  }
  const first = await promptHidden(context, 'Password: ')
  const second = await promptHidden(context, 'Repeat password: ')
  if (first !== second) throw new AppError('USAGE', 'the two passwords differ: try again')

  return first
}
