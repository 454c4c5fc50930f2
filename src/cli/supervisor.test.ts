import { describe, expect, it } from 'vitest'

import { createLogger } from '../observability/logger.js'

import { Supervisor } from './supervisor.js'

const logger = createLogger({ level: 'silent' })
const idle = [
  process.execPath,
  '-e',
  'setInterval(() => {}, 1000); process.on("SIGTERM", () => process.exit(0))',
]

async function waitFor<T>(probe: () => T | null, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = probe()
    if (value !== null) return value
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('condition not met in time')
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)

    return true
  } catch {
    return false
  }
}

describe('Supervisor', () => {
  it('restarts a child that was killed', async () => {
    const supervisor = new Supervisor({
      command: idle,
      children: [{ name: 'worker', args: [] }],
      logger,
      initialBackoffMs: 10,
    })
    supervisor.start()
    try {
      const first = await waitFor(() => supervisor.pids().worker ?? null)
      process.kill(first, 'SIGKILL')

      const second = await waitFor(() => {
        const pid = supervisor.pids().worker ?? null

        return pid !== null && pid !== first ? pid : null
      })
      expect(isAlive(second)).toBe(true)
    } finally {
      await supervisor.stop()
    }
  })

  it('stops every child on stop and restarts none of them', async () => {
    const supervisor = new Supervisor({
      command: idle,
      children: [
        { name: 'web', args: [] },
        { name: 'worker', args: [] },
      ],
      logger,
      initialBackoffMs: 10,
    })
    supervisor.start()
    const pids = await waitFor(() => {
      const all = Object.values(supervisor.pids())

      return all.every((p) => p !== null) ? all : null
    })

    await supervisor.stop()
    await new Promise((resolve) => setTimeout(resolve, 100))

    expect(pids.map(isAlive)).toEqual([false, false])
    expect(Object.values(supervisor.pids()).filter((p) => p !== null && isAlive(p))).toEqual([])
  })

  it('doubles the delay between restarts of a crashing child', async () => {
    const lines: string[] = []
    const capture = createLogger({
      level: 'info',
      destination: {
        write(chunk: string) {
          lines.push(chunk)

          return true
        },
      } as unknown as NodeJS.WritableStream,
    })
    const supervisor = new Supervisor({
      command: [process.execPath, '-e', 'process.exit(3)'],
      children: [{ name: 'worker', args: [] }],
      logger: capture,
      initialBackoffMs: 5,
      maxBackoffMs: 40,
    })
    supervisor.start()
    try {
      await waitFor(() => (lines.filter((l) => l.includes('restarting')).length >= 5 ? true : null))
    } finally {
      await supervisor.stop()
    }

    const delays = lines
      .filter((l) => l.includes('restarting'))
      .slice(0, 5)
      .map((l) => (JSON.parse(l) as { restartInMs: number; code: number }).restartInMs)
    expect(delays).toEqual([5, 10, 20, 40, 40])
  })
})
