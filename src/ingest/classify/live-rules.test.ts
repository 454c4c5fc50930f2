import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { createLogger } from '../../observability/logger.js'
import type { LogEvent } from '../event.js'
import { LiveRules } from './live-rules.js'

const HIGH_ON_ERROR = 'rules:\n  - { name: errors, minLevel: error, severity: HIGH }\n'
const LOW_ON_WARN = 'rules:\n  - { name: warnings, level: warn, severity: LOW }\n'

function event(level: LogEvent['level']): LogEvent {
  return {
    source: 'a.log',
    offset: 0,
    end: 1,
    line: 1,
    timestamp: 0,
    hasTimestamp: false,
    level,
    message: 'm',
    service: 's',
    format: 'plain',
    fields: {},
    raw: 'm',
  }
}

describe('LiveRules', () => {
  let dir: string
  let path: string
  let lines: Record<string, unknown>[]
  let live: LiveRules | null
  const logger = () => {
    const stream = new PassThrough()
    stream.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>)
      }
    })

    return createLogger({ destination: stream, level: 'debug' })
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alims-rules-'))
    path = join(dir, 'rules.yaml')
    lines = []
    live = null
  })

  afterEach(async () => {
    live?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('uses the built-in rules without a path', async () => {
    live = await LiveRules.open({ path: null, log: logger() })
    expect(live.current.origin).toBe('built-in')
    expect(live.classify(event('error')).rule).toBe('error-level')
    expect(await live.reload()).toBe('unchanged')
  })

  it('refuses to start on an invalid file, naming file, line and reason', async () => {
    await writeFile(path, 'rules:\n  - { severity: urgent }\n')
    await expect(LiveRules.open({ path, log: logger(), watch: false })).rejects.toMatchObject({
      code: 'RULES_INVALID',
      message: `invalid rules: ${path}:2:17: severity must be HIGH, MEDIUM, LOW or ignore, got "urgent"`,
    })
    await expect(
      LiveRules.open({ path: join(dir, 'missing.yaml'), log: logger(), watch: false }),
    ).rejects.toThrow('cannot read the file (ENOENT)')
  })

  it('applies a valid new version on reload', async () => {
    await writeFile(path, HIGH_ON_ERROR)
    live = await LiveRules.open({ path, log: logger(), watch: false })
    expect(live.classify(event('warn')).severity).toBeNull()

    await writeFile(path, LOW_ON_WARN)
    expect(await live.reload()).toBe('applied')
    expect(live.classify(event('warn')).severity).toBe('LOW')
    expect(live.classify(event('error')).severity).toBeNull()
    expect(await live.reload()).toBe('unchanged')
    expect(lines.map((l) => l.msg)).toEqual(['rules loaded', 'rules reloaded'])
  })

  it('keeps the old rules when the new version is invalid and logs why', async () => {
    await writeFile(path, HIGH_ON_ERROR)
    live = await LiveRules.open({ path, log: logger(), watch: false })

    await writeFile(path, "rules:\n  - { name: x, regex: '(?=a)', severity: LOW }\n")
    expect(await live.reload()).toBe('rejected')
    expect(live.classify(event('error')).rule).toBe('errors')
    expect(lines.at(-1)).toMatchObject({
      level: 40,
      msg: 'rules reload rejected, keeping the previous rules',
      file: path,
      line: 2,
      reason: expect.stringMatching(/lookaround/) as string,
    })

    await rm(path)
    expect(await live.reload()).toBe('rejected')
    expect(lines.at(-1)).toMatchObject({ reason: 'cannot read the file (ENOENT)' })
    expect(live.classify(event('error')).rule).toBe('errors')
  })

  it('reloads by itself when the file is replaced', async () => {
    await writeFile(path, HIGH_ON_ERROR)
    live = await LiveRules.open({ path, log: logger(), debounceMs: 20 })

    // An editor's atomic save: write a temporary file, rename it over the old one.
    await writeFile(join(dir, 'rules.yaml.tmp'), LOW_ON_WARN)
    await rename(join(dir, 'rules.yaml.tmp'), path)
    await vi.waitFor(
      () => {
        expect(live?.classify(event('warn')).severity).toBe('LOW')
      },
      {
        timeout: 10_000,
        interval: 20,
      },
    )

    await writeFile(path, 'rules: [')
    await vi.waitFor(
      () => {
        expect(lines.at(-1)?.msg).toBe('rules reload rejected, keeping the previous rules')
      },
      {
        timeout: 10_000,
        interval: 20,
      },
    )
    expect(live.classify(event('warn')).severity).toBe('LOW')
  })

  it('reloads when a Kubernetes ConfigMap swaps its data link', async () => {
    await mkdir(join(dir, 'v1'))
    await writeFile(join(dir, 'v1', 'rules.yaml'), HIGH_ON_ERROR)
    await symlink('v1', join(dir, '..data'))
    await symlink(join('..data', 'rules.yaml'), path)
    live = await LiveRules.open({ path, log: logger(), debounceMs: 20 })
    expect(live.classify(event('warn')).severity).toBeNull()

    await mkdir(join(dir, 'v2'))
    await writeFile(join(dir, 'v2', 'rules.yaml'), LOW_ON_WARN)
    await symlink('v2', join(dir, '..data_tmp'))
    await rename(join(dir, '..data_tmp'), join(dir, '..data'))
    await vi.waitFor(
      () => {
        expect(live?.classify(event('warn')).severity).toBe('LOW')
      },
      {
        timeout: 10_000,
        interval: 20,
      },
    )
  })
})
