import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/esm/index.mjs', import.meta.url))
const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))

/** Starts `alims ARGS…` from the TypeScript source in a child process. */
export function spawnAlims(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): ChildProcess {
  return spawn(process.execPath, ['--import', tsx, main, ...args], {
    cwd: options.cwd ?? root,
    env: { ...process.env, ALIMS_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
}

/** Runs `alims ARGS…` to its end and collects its output. */
export async function runAlims(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnAlims(args, options)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdin?.end(options.input ?? '')

  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))

  return { code, stdout, stderr }
}
