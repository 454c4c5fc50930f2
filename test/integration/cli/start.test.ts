import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { spawnAlims } from '../../helpers/cli.js'
import { freePort } from '../../helpers/ports.js'

async function waitFor<T>(
  probe: () => T | null | Promise<T | null>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== null) return value
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('alims start', () => {
  let dir: string | undefined

  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
    dir = undefined
  })

  it('restarts a killed worker child and stops cleanly with exit code 0 on SIGTERM', async () => {
    dir = mkdtempSync(join(tmpdir(), 'alims-start-'))
    const port = await freePort()
    const child = spawnAlims(['start'], {
      cwd: dir,
      env: {
        PORT: String(port),
        ALIMS_LOG_LEVEL: 'info',
        ALIMS_ADMIN_PASSWORD: 'start-test-password',
        DATABASE_URL: `sqlite:${join(dir, 'alims.db')}`,
        ALIMS_LOG_PATHS: join(dir, 'logs', '*.log'),
      },
    })
    const started: { child: string; pid: number }[] = []
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const lines = output.split('\n')
      output = lines.pop() ?? ''
      for (const line of lines) {
        if (!line.startsWith('{')) continue
        const entry = JSON.parse(line) as { msg?: string; child?: string; childPid?: number }
        if (entry.msg === 'child started' && entry.child !== undefined) {
          started.push({ child: entry.child, pid: entry.childPid ?? -1 })
        }
      }
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    try {
      const first = await waitFor(() => started.find((s) => s.child === 'worker') ?? null)
      await waitFor(async () => {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null)

        return response?.ok === true ? true : null
      })

      process.kill(first.pid, 'SIGKILL')

      const second = await waitFor(
        () => started.filter((s) => s.child === 'worker').find((s) => s.pid !== first.pid) ?? null,
      )
      expect(second.pid).not.toBe(first.pid)
      expect(started.filter((s) => s.child === 'web')).toHaveLength(1)
    } finally {
      child.kill('SIGTERM')
    }

    expect(await exited).toBe(0)
  }, 120_000)
})
