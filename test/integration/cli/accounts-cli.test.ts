import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable, Writable } from 'node:stream'
import { pathToFileURL } from 'node:url'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { createAccountServices } from '../../../src/accounts/index.js'
import type { CommandContext } from '../../../src/cli/command.js'
import { COMMANDS } from '../../../src/cli/commands/index.js'
import { loadConfig } from '../../../src/config/config.js'
import { isAppError } from '../../../src/errors/app-error.js'
import { createLogger } from '../../../src/observability/logger.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const MAIN = join(ROOT, 'src', 'cli', 'main.ts')
// The child runs in a temp folder, so tsx is named by its file.
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `alims ARGS` from source in its own process, with `input` on stdin. */
function alims(args: string[], env: Record<string, string>, cwd: string, input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd,
      env: { ...process.env, ALIMS_LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      resolve({ code, stdout, stderr })
    })
    child.stdin.end(input)
  })
}

/**
 * Runs a command in this process, the way main.ts does (same commands, same exit codes and
 * `alims: message [CODE]` on stderr), without the seconds that a fresh tsx process costs.
 */
async function run(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  input = '',
): Promise<Run> {
  const entry = COMMANDS.find((c) => c.name.split(' ').every((word, i) => args[i] === word))
  if (entry === undefined) throw new Error(`no command ${args.join(' ')}`)
  const found = await entry.load()
  let stdout = ''
  let stderr = ''
  const sink = (write: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        write(chunk.toString())
        done()
      },
    })
  const context: CommandContext = {
    argv: args.slice(found.name.split(' ').length),
    stdout: sink((t) => (stdout += t)),
    stderr: sink((t) => (stderr += t)),
    stdin: Readable.from([Buffer.from(input)]),
    env,
    cwd,
    setup: () => ({ config: loadConfig(env, cwd), logger: createLogger({ level: 'silent' }) }),
  }
  try {
    return { code: await found.run(context), stdout, stderr }
  } catch (error) {
    if (!isAppError(error)) throw error

    return {
      code: error.code === 'USAGE' ? 2 : 1,
      stdout,
      stderr: `alims: ${error.message} [${error.code}]\n`,
    }
  }
}

describeEachDialect('account commands', (dialect) => {
  let test: TestDatabase
  let cwd: string
  let env: Record<string, string>

  beforeEach(async () => {
    test = await createTestDatabase(dialect)
    cwd = mkdtempSync(join(tmpdir(), 'alims-cli-'))
    env = { DATABASE_URL: test.url, ALIMS_DATA_DIR: join(cwd, 'data') }
  })

  afterEach(async () => {
    await test.cleanup()
    rmSync(cwd, { recursive: true, force: true })
  })

  it('adds a user with the password from stdin, which then logs in', async () => {
    const result = await alims(
      [
        'user',
        'add',
        'Olga',
        '--role',
        'editor',
        '--email',
        'olga@example.com',
        '--password-stdin',
      ],
      env,
      cwd,
      'olga secret pass\n',
    )

    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^created editor account olga \(id \d+\)\n$/)
    const accounts = createAccountServices(test.database)
    const login = await accounts.login.login('olga', 'olga secret pass', { ip: '127.0.0.1' })
    expect(login.account).toMatchObject({ role: 'editor', email: 'olga@example.com' })
  }, 120_000)

  it('reports a taken username', async () => {
    await run(
      ['user', 'add', 'olga', '--role', 'viewer', '--password-stdin'],
      env,
      cwd,
      'long password\n',
    )
    const again = await run(
      ['user', 'add', 'olga', '--role', 'viewer', '--password-stdin'],
      env,
      cwd,
      'long password\n',
    )

    expect(again.code).toBe(1)
    expect(again.stderr).toContain('username "olga" is already taken [CONFLICT]')
  })

  it('creates a token printed alone on stdout, scoped and expiring', async () => {
    await run(
      ['user', 'add', 'ci', '--role', 'editor', '--password-stdin'],
      env,
      cwd,
      'ci password 12\n',
    )
    const result = await run(
      ['token', 'create', 'deploy', '--user', 'ci', '--role', 'viewer', '--expires', '30d'],
      env,
      cwd,
    )

    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^alims_[A-Za-z0-9_-]{43}\n$/)
    expect(result.stderr).toContain('role viewer, expires ')
    const accounts = createAccountServices(test.database)
    const principal = await accounts.login.authenticateToken(result.stdout.trim())
    expect(principal).toMatchObject({ username: 'ci', role: 'viewer', via: 'token' })
    const [token] = await accounts.tokens.list()
    const days = (token!.expiresAt! - token!.createdAt) / 86_400_000
    expect(days).toBeCloseTo(30, 3)
  })

  it("refuses a token role above the user's and an unknown user", async () => {
    await run(
      ['user', 'add', 'ci', '--role', 'viewer', '--password-stdin'],
      env,
      cwd,
      'ci password 12\n',
    )
    const above = await run(['token', 'create', 'x', '--user', 'ci', '--role', 'admin'], env, cwd)
    const unknown = await run(['token', 'create', 'x', '--user', 'nobody'], env, cwd)

    expect(above.code).toBe(1)
    expect(above.stderr).toContain("role must not exceed the account's role (viewer)")
    expect(above.stdout).toBe('')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('no account named "nobody"')
  })
})

// Argument checks fail before any database is opened: one run is enough.
describe('account commands without a database', () => {
  const cwd = tmpdir()
  const env = { DATABASE_URL: 'sqlite::memory:' }

  it('refuses a password on the command line and a missing role', async () => {
    const argvPassword = await run(
      ['user', 'add', 'olga', '--role', 'viewer', '--password', 'x'],
      env,
      cwd,
    )
    const noRole = await run(
      ['user', 'add', 'olga', '--password-stdin'],
      env,
      cwd,
      'long password\n',
    )

    expect(argvPassword.code).toBe(2)
    expect(argvPassword.stderr).toContain("Unknown option '--password'")
    expect(noRole.code).toBe(2)
    expect(noRole.stderr).toContain('--role must be one of viewer, editor, admin')
  })

  it('asks for --password-stdin when there is no terminal to prompt on', async () => {
    const result = await run(['user', 'add', 'olga', '--role', 'viewer'], env, cwd)

    expect(result.code).toBe(2)
    expect(result.stderr).toContain('pipe it in with --password-stdin')
  })

  it('prints help for each command', async () => {
    const commands = [['web'], ['user', 'add'], ['token', 'create']]
    const results = await Promise.all(commands.map((c) => alims([...c, '--help'], env, cwd)))

    results.forEach((result, i) => {
      expect(result.code).toBe(0)
      expect(result.stdout).toContain(`usage: alims ${commands[i]!.join(' ')}`)
    })
  }, 120_000)
})
