// npm run bench:latency — how long an error line appended to a watched file takes to reach a
// client of the API, over 100 appends: the worker and the web process run as separate
// processes on one SQLite database, and the client listens on GET /api/v1/stream. The same run
// measures `tail -F FILE | grep --line-buffered` on the same file as the floor a pipe achieves.
import { spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { reportJson } from './report.js'
import { freePort } from '../test/helpers/ports.js'

const APPENDS = Number(process.argv[process.argv.indexOf('--appends') + 1]) || 100
const PASSWORD = 'bench-password-123'
const tsx = new URL('../node_modules/tsx/dist/esm/index.mjs', import.meta.url).pathname
const main = new URL('../src/cli/main.ts', import.meta.url).pathname

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)

  return sorted[Math.max(0, index)] ?? NaN
}

function percentiles(samples: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b)

  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN }
}

function summary(name: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b)
  const f = (n: number) => `${n.toFixed(1)} ms`.padStart(10)

  return `${name.padEnd(44)}${f(percentile(sorted, 50))}${f(percentile(sorted, 99))}${f(sorted.at(-1) ?? NaN)}`
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the processes')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

function errorLine(i: number): string {
  return `${JSON.stringify({ time: new Date().toISOString(), level: 'error', service: 'checkout', msg: `payment ${i} declined by gateway` })}\n`
}

/** Measures append → SSE event through a worker and a web process. */
async function measureAlims(dir: string): Promise<number[]> {
  const port = await freePort()
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite:${join(dir, 'alims.db')}`,
    ALIMS_LOG_PATHS: join(dir, 'logs', '*.log'),
    ALIMS_ADMIN_PASSWORD: PASSWORD,
    PORT: String(port),
    ALIMS_LOG_LEVEL: 'warn',
  }
  const log = join(dir, 'logs', 'app.log')
  mkdirSync(join(dir, 'logs'))
  writeFileSync(log, errorLine(0))
  const spawnAlims = (command: string): ChildProcess =>
    spawn(process.execPath, ['--import', tsx, main, command], { env, stdio: 'ignore', cwd: dir })
  const migrate = spawnAlims('migrate')
  await new Promise((resolve) => migrate.once('exit', resolve))
  const children = [spawnAlims('web'), spawnAlims('worker')]
  try {
    const base = `http://127.0.0.1:${port}`
    await waitFor(async () => (await fetch(`${base}/healthz`)).ok, 60_000)
    const login = await fetch(`${base}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    })
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    // The first line's incident exists once the worker has caught up.
    await waitFor(async () => {
      const page = await fetch(`${base}/api/v1/incidents`, { headers: { cookie } })

      return ((await page.json()) as { items: unknown[] }).items.length > 0
    }, 60_000)

    const stream = await fetch(`${base}/api/v1/stream`, { headers: { cookie } })
    if (stream.body === null) throw new Error('no stream body')
    const reader = stream.body.getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    const nextEvent = async (): Promise<string> => {
      for (;;) {
        const end = buffer.indexOf('\n\n')
        if (end !== -1) {
          const event = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          if (event.includes('event: incident')) return event
          continue
        }
        const { value, done } = await reader.read()
        if (done) throw new Error('stream ended')
        buffer += decoder.decode(value, { stream: true })
      }
    }

    const samples: number[] = []
    for (let i = 1; i <= APPENDS; i += 1) {
      const started = performance.now()
      appendFileSync(log, errorLine(i))
      // Each append bumps the same incident: wait for the event that carries the new count.
      for (;;) {
        const event = await nextEvent()
        if (event.includes(`"count":${i + 1}`)) break
      }
      samples.push(performance.now() - started)
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 30))
    }
    await reader.cancel()

    return samples
  } finally {
    for (const child of children) child.kill('SIGTERM')
    await Promise.all(children.map((c) => new Promise((resolve) => c.once('exit', resolve))))
  }
}

/** Measures append → output line of `tail -F | grep --line-buffered`. */
async function measurePipe(dir: string): Promise<number[]> {
  const log = join(dir, 'pipe.log')
  writeFileSync(log, '')
  const pipeline = spawn(
    'sh',
    ['-c', `tail -n0 -F ${log} | grep --line-buffered -E 'error|ERROR'`],
    // Its own process group: killing the shell alone would leave tail and grep holding the pipe
    // open, and the bench would never exit.
    { stdio: ['ignore', 'pipe', 'ignore'], detached: true },
  )
  const waiters: (() => void)[] = []
  pipeline.stdout.on('data', (chunk: Buffer) => {
    for (let n = chunk.toString().split('\n').length - 1; n > 0; n -= 1) waiters.shift()?.()
  })
  await new Promise((resolve) => setTimeout(resolve, 500))
  const samples: number[] = []
  try {
    for (let i = 1; i <= APPENDS; i += 1) {
      const started = performance.now()
      const seen = new Promise<void>((resolve) => waiters.push(resolve))
      appendFileSync(log, errorLine(i))
      await seen
      samples.push(performance.now() - started)
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 30))
    }
  } finally {
    if (pipeline.pid !== undefined) process.kill(-pipeline.pid, 'SIGTERM')
  }

  return samples
}

const dir = mkdtempSync(join(tmpdir(), 'alims-latency-'))
try {
  const pipe = await measurePipe(dir)
  const alims = await measureAlims(dir)
  console.log(`append → visible, ${APPENDS} appends, SQLite, one worker and one web process`)
  console.log(`${''.padEnd(44)}${'p50'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}`)
  console.log(summary('tail -F | grep --line-buffered (reference)', pipe))
  console.log(summary('alims: file → worker → DB → web → SSE', alims))
  console.log('target: alims p99 < 250 ms (the prototype polled every 5 s)')
  reportJson('latency', {
    appends: APPENDS,
    reference: percentiles(pipe),
    alims: percentiles(alims),
    targetP99Ms: 250,
  })
} finally {
  rmSync(dir, { recursive: true, force: true })
}
