import type { ChildProcess } from 'node:child_process'

import { spawnAlims } from '../../helpers/cli.js'
export { freePort } from '../../helpers/ports.js'

/** One alims child process of a scaled layout, with its output kept for failure messages. */
export interface AlimsProcess {
  name: string
  child: ChildProcess
  output(): string
  stop(): Promise<void>
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

/** Polls `probe` until it returns something other than null, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | null | Promise<T | null>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== null) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

/** Starts `alims ARGS` as a child process; its stdout and stderr are kept (last 64 kB). */
export function startAlims(name: string, args: string[], env: NodeJS.ProcessEnv): AlimsProcess {
  const child = spawnAlims(args, { env })
  let output = ''
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-65_536)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve()
    })
  })

  return {
    name,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return

      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** Resolves once `url`/healthz answers 200; fails early if the process exits. */
export async function waitHealthy(web: AlimsProcess, url: string): Promise<void> {
  await waitFor(`${web.name} to answer /healthz`, async () => {
    if (web.child.exitCode !== null) {
      throw new Error(`${web.name} exited with ${web.child.exitCode}: ${web.output()}`)
    }
    const response = await fetch(`${url}/healthz`).catch(() => null)

    return response?.ok === true ? true : null
  })
}

/** Reads server-sent events from a fetch response body and collects `incident` events. */
export function collectIncidentEvents(body: ReadableStream<Uint8Array>): {
  events: { seq: number; incident: { title: string; source: string } }[]
} {
  const state = { events: [] as { seq: number; incident: { title: string; source: string } }[] }
  const decoder = new TextDecoder()
  let buffer = ''
  void (async () => {
    const reader = body.getReader()
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }))
      if (done || value === undefined) return

      buffer += decoder.decode(value, { stream: true })
      let end = buffer.indexOf('\n\n')
      while (end >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        end = buffer.indexOf('\n\n')
        if (!block.split('\n').includes('event: incident')) continue
        const data = block.split('\n').find((line) => line.startsWith('data: '))
        if (data !== undefined) state.events.push(JSON.parse(data.slice(6)) as never)
      }
    }
  })()

  return state
}
