import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import type { CommandContext } from '../../../src/cli/command.js'
import { rulesTestCommand } from '../../../src/cli/commands/rules-test.js'
import { loadConfig } from '../../../src/config/config.js'
import { createLogger } from '../../../src/observability/logger.js'

interface Run {
  code: number
  stdout: string
  stderr: string
}

function capture(stream: PassThrough): () => string {
  let text = ''
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()))

  return () => text
}

let cwd: string

async function rulesTest(argv: string[]): Promise<Run> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out = capture(stdout)
  const err = capture(stderr)
  const env = { DATABASE_URL: `sqlite:${join(cwd, 'data', 'alims.db')}`, ALIMS_LOG_LEVEL: 'warn' }
  const context: CommandContext = {
    argv,
    stdout,
    stderr,
    stdin: new PassThrough(),
    env,
    cwd,
    setup: () => ({ config: loadConfig(env, cwd), logger: createLogger({ level: 'silent' }) }),
  }
  const code = await rulesTestCommand.run(context)

  return { code, stdout: out(), stderr: err() }
}

const LOG = [
  '2024-12-03 13:58:26,123 INFO  [main] com.acme.Orders - started',
  '2024-12-03 13:58:27,000 ERROR [main] com.acme.Orders - order 7 failed',
  'java.lang.IllegalStateException: closed',
  '\tat com.acme.Orders.save(Orders.java:42)',
  '{"level":40,"time":1733234306123,"service":"cart","msg":"slow \\u001b[31m<b>"}',
  '10.0.0.5 - - [03/Dec/2024:13:58:26 +0000] "GET /x HTTP/1.1" 503 12 "-" "curl/8"',
  '',
].join('\n')

describe('alims rules test', () => {
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'alims-rules-test-'))
    writeFileSync(join(cwd, 'app.log'), LOG)
  })

  afterEach(() => {
    rmSync(cwd, { recursive: true, force: true })
  })

  it('prints one JSON object per event with --json and writes nothing', async () => {
    const run = await rulesTest([join(cwd, 'app.log'), '--json'])
    const records = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .sort((a, b) => Number(a.line) - Number(b.line))

    expect(run.code).toBe(0)
    expect(records).toEqual([
      {
        line: 1,
        offset: 0,
        format: 'layout',
        level: 'info',
        service: 'com.acme.Orders',
        message: 'started',
        severity: null,
        rule: null,
        template: null,
        fingerprint: null,
      },
      expect.objectContaining({
        line: 2,
        format: 'layout',
        level: 'error',
        message: 'order 7 failed',
        severity: 'HIGH',
        rule: 'error-level',
        // A stack trace groups by its exception and application frames, not line numbers.
        template: 'java.lang.IllegalStateException at com.acme.Orders.save',
        fingerprint: expect.stringMatching(/^[0-9a-f]{20}$/) as string,
      }),
      expect.objectContaining({
        line: 5,
        format: 'json',
        level: 'warn',
        service: 'cart',
        severity: 'LOW',
        rule: 'warn-level',
      }),
      expect.objectContaining({
        line: 6,
        format: 'access',
        level: 'error',
        service: 'app',
        severity: 'HIGH',
        rule: 'access-5xx',
      }),
    ])
    expect(records[1]?.offset).toBe(LOG.indexOf('2024-12-03 13:58:27'))
    expect(readdirSync(cwd)).toEqual(['app.log'])
    expect(existsSync(join(cwd, 'data'))).toBe(false)
  })

  it('prints a table whose control characters are shown, not sent to the terminal', async () => {
    const run = await rulesTest([join(cwd, 'app.log')])
    const rows = run.stdout.trimEnd().split('\n')

    expect(rows[0]).toMatch(/^\s+line\s+format\s+level\s+sev\s+rule\s+service\s+message$/)
    expect(rows[2]).toMatch(/\serror\s+HIGH\s+error-level\s/)
    expect(rows).toHaveLength(5)
    expect(run.stdout).not.toContain('\u001b')
    expect(run.stdout).toContain('slow \\x1b[31m<b>')
  })

  it('reads with the given format and multi-line start pattern', async () => {
    writeFileSync(join(cwd, 'job.log'), '>>> job 1\nstep a\nstep b\n>>> job 2\n')
    const run = await rulesTest([join(cwd, 'job.log'), '--json', '--multiline', '^>>> '])

    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { line: number }).line),
    ).toEqual([1, 4])
  })

  it('stops with a clear error for an unknown format, a bad pattern or a missing file', async () => {
    await expect(rulesTest([join(cwd, 'app.log'), '--format', 'yaml'])).rejects.toMatchObject({
      code: 'PARSE_FORMAT_UNKNOWN',
    })
    await expect(rulesTest([join(cwd, 'app.log'), '--multiline', '('])).rejects.toMatchObject({
      code: 'USAGE',
    })
    await expect(rulesTest([join(cwd, 'missing.log')])).rejects.toMatchObject({
      code: 'SOURCE_UNREADABLE',
    })
    await expect(rulesTest([cwd])).rejects.toMatchObject({ code: 'SOURCE_UNREADABLE' })
    await expect(rulesTest([])).rejects.toMatchObject({ code: 'USAGE' })
  })
})
