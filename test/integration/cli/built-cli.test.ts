// The CLI as `npm start` runs it: the bundle in dist/cli, loaded by bin/alims.js with the code
// cache the build leaves beside it. The other CLI tests run the TypeScript sources.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { freePort } from '../../helpers/ports.js'

const root = fileURLToPath(new URL('../../..', import.meta.url))

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function collect(child: ReturnType<typeof spawn>): Promise<Run> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))

  return new Promise((resolve) => {
    child.once('exit', (code) => {
      resolve({ code, stdout, stderr })
    })
  })
}

// Runs `alims ARGS` through the loader of the project copy at `home`, printing whether V8
// took the code cache.
function throughLoader(
  home: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<Run> {
  const loader = pathToFileURL(join(home, 'bin', 'load-cli.js')).href
  const script = [
    `const { runCli } = await import(${JSON.stringify(loader)})`,
    `process.argv = [process.execPath, 'alims', ...${JSON.stringify(args)}]`,
    'process.stderr.write(`code cache: ${runCli()}\\n`)',
  ].join('\n')

  return collect(
    spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: home,
      env: { ...process.env, ALIMS_LOG_LEVEL: 'warn', ...env },
    }),
  )
}

describe('the built CLI', () => {
  let dir = ''
  let log = ''

  beforeAll(() => {
    // Built from the sources under test, not whatever an earlier build left.
    const built = spawnSync(process.execPath, ['scripts/build-server.mjs'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    })
    expect(built.status, built.stderr).toBe(0)

    dir = mkdtempSync(join(tmpdir(), 'alims-built-'))
    log = join(dir, 'app.log')
    const lines: string[] = []
    for (let n = 0; n < 60; n++) {
      lines.push(
        `2026-01-01 10:00:${String(n).padStart(2, '0')} ERROR [main] db - connection ${n} refused`,
      )
      lines.push(`ts=2026-01-01T10:01:00Z level=info msg="served request ${n}"`)
      lines.push(
        `{"time":"2026-01-01T10:02:00Z","level":"warn","service":"cache","msg":"miss for key ${n}"}`,
      )
    }
    writeFileSync(log, `${lines.join('\n')}\n`)
  }, 150_000)

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true })
  })

  // A copy of what runs the CLI, to be damaged at will; node_modules and the UI are shared.
  function project(name: string): string {
    const home = join(dir, name)
    for (const part of ['bin', 'dist', 'package.json'])
      cpSync(join(root, part), join(home, part), { recursive: true })
    symlinkSync(join(root, 'node_modules'), join(home, 'node_modules'))

    return home
  }

  async function ingest(
    home: string,
  ): Promise<{ cache: boolean; report: Record<string, unknown> }> {
    const run = await throughLoader(home, ['ingest', log, '--json'], {
      DATABASE_URL: `sqlite:${join(home, 'alims.db')}`,
    })
    expect(run.code, run.stderr).toBe(0)
    const cache = /code cache: (true|false)/.exec(run.stderr)?.[1]
    expect(cache, run.stderr).toBeDefined()

    return { cache: cache === 'true', report: JSON.parse(run.stdout) as Record<string, unknown> }
  }

  const EXPECTED = {
    lines: 180,
    events: 180,
    bySeverity: { HIGH: 60, MEDIUM: 0, LOW: 60 },
    incidentsCreated: 2,
  }

  it('ingests with the code cache that the build made', async () => {
    const { cache, report } = await ingest(project('intact'))
    expect(cache).toBe(true)
    expect(report).toMatchObject(EXPECTED)
  })

  it('compiles the bundle anew when the cache no longer matches it, is damaged or is missing', async () => {
    const changed = project('changed')
    appendFileSync(join(changed, 'dist', 'cli', 'main.cjs'), '\n// changed after the build\n')
    const damaged = project('damaged')
    writeFileSync(join(damaged, 'dist', 'cli', 'main.cjs.cache'), randomBytes(4096))
    const missing = project('missing')
    rmSync(join(missing, 'dist', 'cli', 'main.cjs.cache'))
    rmSync(join(missing, 'dist', 'cli', 'main.cjs.cache.json'))

    for (const home of [changed, damaged, missing]) {
      const { cache, report } = await ingest(home)
      expect(cache, home).toBe(false)
      expect(report, home).toMatchObject(EXPECTED)
    }
  })

  it('serves the UI, the API and metrics from the bundle, and stops with exit code 0 on SIGTERM', async () => {
    const port = await freePort()
    const child = spawn(process.execPath, [join(root, 'bin', 'alims.js'), 'web'], {
      cwd: dir,
      env: {
        ...process.env,
        ALIMS_LOG_LEVEL: 'warn',
        PORT: String(port),
        DATABASE_URL: `sqlite:${join(dir, 'web.db')}`,
        ALIMS_ADMIN_PASSWORD: 'built-cli-test-password',
      },
    })
    const exited = collect(child)
    const base = `http://127.0.0.1:${port}`
    try {
      let health: Response | null = null
      for (let tries = 0; health === null && tries < 600; tries++) {
        health = await fetch(`${base}/healthz`).catch(() => null)
        if (health === null) await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect(health?.status).toBe(200)

      const page = await fetch(`${base}/`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<title>alims</title>')
      const unauthenticated = await fetch(`${base}/api/v1/incidents`)
      expect(unauthenticated.status).toBe(401)
      // The bundled metric classes and prom-client's process metrics, loaded from node_modules.
      const metrics = await (await fetch(`${base}/metrics`)).text()
      expect(metrics).toContain('alims_process_resident_memory_bytes')
      expect(metrics).toMatch(/alims_http_requests_total\{[^}]*status="401"[^}]*\} 1/)
    } finally {
      child.kill('SIGTERM')
    }
    const run = await exited
    expect(run.code, run.stderr).toBe(0)
  })
})
