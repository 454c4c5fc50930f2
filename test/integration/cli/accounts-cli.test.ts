import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { createAccountServices } from '../../../src/accounts/index.js'
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
    const run = await alims(
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

    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^created editor account olga \(id \d+\)\n$/)
    const accounts = createAccountServices(test.database)
    const login = await accounts.login.login('olga', 'olga secret pass', { ip: '127.0.0.1' })
    expect(login.account).toMatchObject({ role: 'editor', email: 'olga@example.com' })
  })

  it('reports a taken username', async () => {
    await alims(
      ['user', 'add', 'olga', '--role', 'viewer', '--password-stdin'],
      env,
      cwd,
      'long password\n',
    )
    const again = await alims(
      ['user', 'add', 'olga', '--role', 'viewer', '--password-stdin'],
      env,
      cwd,
      'long password\n',
    )

    expect(again.code).toBe(1)
    expect(again.stderr).toContain('username "olga" is already taken [CONFLICT]')
  })

  it('creates a token printed alone on stdout, scoped and expiring', async () => {
    await alims(
      ['user', 'add', 'ci', '--role', 'editor', '--password-stdin'],
      env,
      cwd,
      'ci password 12\n',
    )
    const run = await alims(
      ['token', 'create', 'deploy', '--user', 'ci', '--role', 'viewer', '--expires', '30d'],
      env,
      cwd,
    )

    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^alims_[A-Za-z0-9_-]{43}\n$/)
    expect(run.stderr).toContain('role viewer, expires ')
    const accounts = createAccountServices(test.database)
    const principal = await accounts.login.authenticateToken(run.stdout.trim())
    expect(principal).toMatchObject({ username: 'ci', role: 'viewer', via: 'token' })
    const [token] = await accounts.tokens.list()
    const days = (token!.expiresAt! - token!.createdAt) / 86_400_000
    expect(days).toBeCloseTo(30, 3)
  })

  it("refuses a token role above the user's and an unknown user", async () => {
    await alims(
      ['user', 'add', 'ci', '--role', 'viewer', '--password-stdin'],
      env,
      cwd,
      'ci password 12\n',
    )
    const above = await alims(['token', 'create', 'x', '--user', 'ci', '--role', 'admin'], env, cwd)
    const unknown = await alims(['token', 'create', 'x', '--user', 'nobody'], env, cwd)

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
    const argvPassword = await alims(
      ['user', 'add', 'olga', '--role', 'viewer', '--password', 'x'],
      env,
      cwd,
    )
    const noRole = await alims(
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
    const run = await alims(['user', 'add', 'olga', '--role', 'viewer'], env, cwd)

    expect(run.code).toBe(2)
    expect(run.stderr).toContain('pipe it in with --password-stdin')
  })

  it('prints help for each command', async () => {
    for (const command of [['web'], ['user', 'add'], ['token', 'create']]) {
      const run = await alims([...command, '--help'], env, cwd)
      expect(run.code).toBe(0)
      expect(run.stdout).toContain(`usage: alims ${command.join(' ')}`)
    }
  })
})
