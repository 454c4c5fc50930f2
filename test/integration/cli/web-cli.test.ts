import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

import { afterEach, beforeEach, expect, it } from 'vitest'

import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'
import { freePort } from '../../helpers/ports.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const MAIN = join(ROOT, 'src', 'cli', 'main.ts')
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href

interface WebProcess {
  child: ChildProcessWithoutNullStreams
  output(): string
  exited: Promise<number | null>
}

/** Starts `alims web` and resolves once it logs that it listens. */
async function startWebProcess(env: Record<string, string>, cwd: string): Promise<WebProcess> {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, 'web'], {
    cwd,
    env: { ...process.env, ALIMS_LOG_LEVEL: 'debug', ...env },
  })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
  // Generous: under a full suite on two cores, compiling the CLI from source takes a while.
  const deadline = Date.now() + 120_000
  while (!output.includes('"msg":"web listening"')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`alims web did not start:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }

  return { child, output: () => output, exited }
}

describeEachDialect('alims web', (dialect) => {
  let test: TestDatabase
  let cwd: string

  beforeEach(async () => {
    test = await createTestDatabase(dialect)
    cwd = mkdtempSync(join(tmpdir(), 'alims-web-cli-'))
  })

  afterEach(async () => {
    await test.cleanup()
    rmSync(cwd, { recursive: true, force: true })
  })

  it('prints a generated admin password once, never logs it, and stops with 0 on SIGTERM', async () => {
    const port = await freePort()
    const env = { DATABASE_URL: test.url, PORT: String(port), ALIMS_DATA_DIR: join(cwd, 'data') }
    const first = await startWebProcess(env, cwd)
    const password = /password: (\S+)/.exec(first.output())?.[1]
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/)

    const login = await fetch(`http://127.0.0.1:${port}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    })
    expect(login.status).toBe(200)
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)

    const logLines = first
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
    expect(logLines.join('\n')).toContain('"msg":"web stopped"')
    expect(logLines.join('\n')).not.toContain(password)
    expect(statSync(join(cwd, 'data', 'session-secret')).mode & 0o777).toBe(0o600)

    const second = await startWebProcess(env, cwd)
    expect(second.output()).not.toContain('password:')
    second.child.kill('SIGINT')
    expect(await second.exited).toBe(0)
  }, 300_000)
})
