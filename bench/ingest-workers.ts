// npm run bench:workers — ingest on PostgreSQL with 1, 2 and 4 `alims worker` processes. Four
// "hosts" (folders) of generated mixed logs are read by the workers, each worker watching the
// folders of its own hosts, all storing into one fresh PostgreSQL schema; the time runs from
// the moment the files appear in the watched folders until every file's committed checkpoint is
// at its end. `grep -cE` over the same files is measured in the same run as the reference.
// Usage: tsx bench/ingest-workers.ts [--lines 400000] [--workers 1,2,4] [--json]
import { spawn, type ChildProcess } from 'node:child_process'
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

import pg from 'pg'

import { generateMixedLog } from './generate-mixed-log.js'
import { reportJson } from './report.js'

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '400000' },
    workers: { type: 'string', default: '1,2,4' },
    json: { type: 'boolean', default: false },
  },
})
const HOSTS = 4
const FILES_PER_HOST = 2
const totalLines = Number(values.lines)
const workerCounts = values.workers.split(',').map(Number)
const base = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const GREP_PATTERN = 'ERROR|WARN|FATAL|error|warn|fatal|Exception|Traceback|failed|timeout'
const OUT = join(import.meta.dirname, 'out', 'workers')
const tsx = new URL('../node_modules/tsx/dist/esm/index.mjs', import.meta.url).pathname
const main = new URL('../src/cli/main.ts', import.meta.url).pathname

/** One measured configuration. */
export interface WorkersRow {
  workers: number
  lines: number
  seconds: number
  /** CPU seconds of the worker processes (not PostgreSQL's). */
  workerCpuSeconds: number
  incidents: number
}

/** The generated files, one folder per host, kept in bench/out between runs. */
function generate(): { host: number; name: string; path: string; lines: number }[] {
  const perFile = Math.ceil(totalLines / (HOSTS * FILES_PER_HOST))
  const files = []
  for (let host = 0; host < HOSTS; host += 1) {
    for (let f = 0; f < FILES_PER_HOST; f += 1) {
      const name = `app-${f + 1}.log`
      const path = join(OUT, `${perFile}`, `host-${host + 1}`, name)
      const exists = statSync(path, { throwIfNoEntry: false }) !== undefined
      if (!exists) generateMixedLog(path, perFile, 42 + host * FILES_PER_HOST + f)
      files.push({ host, name, path, lines: perFile })
    }
  }

  return files
}

/** CPU seconds a running process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')

    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return NaN
  }
}

function waitForOutput(child: ChildProcess, text: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => {
      reject(new Error(`worker did not print "${text}" within ${timeoutMs} ms: ${output}`))
    }, timeoutMs)
    child.stdout?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000)
      if (output.includes(text)) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`worker exited with ${code}: ${output}`))
    })
  })
}

async function measure(
  workers: number,
  files: ReturnType<typeof generate>,
  client: pg.Client,
): Promise<WorkersRow> {
  const schema = `bench_workers_${Date.now()}`
  const root = mkdtempSync(join(tmpdir(), 'alims-bench-workers-'))
  const url = new URL(base)
  url.searchParams.set('options', `-c search_path=${schema}`)
  await client.query(`create schema ${schema}`)
  const children: ChildProcess[] = []
  try {
    const env = { ...process.env, DATABASE_URL: url.toString(), ALIMS_LOG_LEVEL: 'info' }
    const run = (args: string[], extra: NodeJS.ProcessEnv = {}): ChildProcess =>
      spawn(process.execPath, ['--import', tsx, main, ...args], {
        env: { ...env, ...extra },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
    const migration = run(['migrate'])
    await new Promise((resolve) => migration.once('exit', resolve))

    // Host h is read by worker h mod N; the files are staged beside the watched folders.
    const hostDir = (host: number): string => join(root, `host-${host + 1}`)
    for (let host = 0; host < HOSTS; host += 1) mkdirSync(hostDir(host))
    const staged = files.map((file) => {
      const path = join(root, `staged-${file.host + 1}-${file.name}`)
      copyFileSync(file.path, path)

      return { from: path, to: join(hostDir(file.host), file.name), size: statSync(path).size }
    })
    for (let w = 0; w < workers; w += 1) {
      const hosts = [...Array(HOSTS).keys()].filter((host) => host % workers === w)
      const globs = hosts.map((host) => join(hostDir(host), '*.log')).join(',')
      const child = run(['worker'], {
        ALIMS_LOG_PATHS: globs,
        ALIMS_DATA_DIR: join(root, `worker-${w + 1}`),
      })
      children.push(child)
      await waitForOutput(child, '"worker started"', 60_000)
    }

    const started = process.hrtime.bigint()
    const cpuBefore = children.map((child) => cpuSeconds(child.pid))
    for (const file of staged) renameSync(file.from, file.to)
    const sizes = new Map(staged.map((file) => [file.to, file.size]))
    for (;;) {
      const { rows } = await client.query<{ path: string; offset: string }>(
        `select path, max("offset") as offset from ${schema}.processed_logs group by path`,
      )
      const done = rows.filter((row) => Number(row.offset) === sizes.get(row.path)).length
      if (done === sizes.size) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const workerCpuSeconds = children.reduce(
      (sum, child, i) => sum + cpuSeconds(child.pid) - (cpuBefore[i] ?? 0),
      0,
    )
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from ${schema}.incidents`,
    )
    const lines = files.reduce((sum, file) => sum + file.lines, 0)

    return { workers, lines, seconds, workerCpuSeconds, incidents: Number(rows[0]?.n ?? 0) }
  } finally {
    const exits = children
      .filter((child) => child.exitCode === null && child.signalCode === null)
      .map((child) => new Promise((resolve) => child.once('exit', resolve)))
    for (const child of children) child.kill('SIGTERM')
    await Promise.all(exits)
    await client.query(`drop schema if exists ${schema} cascade`)
    rmSync(root, { recursive: true, force: true })
  }
}

function grep(paths: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn('grep', ['-cE', GREP_PATTERN, ...paths], {
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    child.stdout.resume()
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code === 0) resolve(Number(process.hrtime.bigint() - started) / 1e9)
      else reject(new Error(`grep exited with ${code}`))
    })
  })
}

const format = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

async function mainBench(): Promise<void> {
  const files = generate()
  const lines = files.reduce((sum, file) => sum + file.lines, 0)
  process.stdout.write(
    `${format(lines)} lines in ${files.length} files on ${HOSTS} hosts (folders), PostgreSQL at ${new URL(base).host}\n\n`,
  )
  const grepRuns = [await grep(files.map((f) => f.path)), await grep(files.map((f) => f.path))]
  const grepSeconds = Math.min(...grepRuns)
  const client = new pg.Client({ connectionString: base })
  await client.connect()
  const rows: WorkersRow[] = []
  try {
    for (const workers of workerCounts) rows.push(await measure(workers, files, client))
  } finally {
    await client.end()
  }

  const header = `${'ingest'.padEnd(30)} ${'lines/s'.padStart(10)} ${'speed-up'.padStart(9)} ${'vs grep'.padStart(8)} ${'wall s'.padStart(7)} ${'worker cpu s'.padStart(13)} ${'incidents'.padStart(9)}\n`
  process.stdout.write(header)
  process.stdout.write(
    `${'grep -cE (reference)'.padEnd(30)} ${format(lines / grepSeconds).padStart(10)} ${'-'.padStart(9)} ${format(1, 3).padStart(8)} ${format(grepSeconds, 3).padStart(7)} ${'-'.padStart(13)} ${'-'.padStart(9)}\n`,
  )
  const single = rows.find((row) => row.workers === 1) ?? rows[0]
  for (const row of rows) {
    const name = `${row.workers} worker${row.workers === 1 ? '' : 's'} → PostgreSQL`
    const speedUp = single === undefined ? NaN : single.seconds / row.seconds
    process.stdout.write(
      `${name.padEnd(30)} ${format(row.lines / row.seconds).padStart(10)} ${format(speedUp, 2).padStart(9)} ${format(grepSeconds / row.seconds, 3).padStart(8)} ${format(row.seconds, 3).padStart(7)} ${format(row.workerCpuSeconds, 1).padStart(13)} ${format(row.incidents).padStart(9)}\n`,
    )
  }
  process.stdout.write(
    '\nspeed-up: wall time of 1 worker over wall time of N; the whole pipeline, each batch committed with its checkpoint\n',
  )
  reportJson('ingest-workers', { lines, files: files.length, hosts: HOSTS, grepSeconds, rows })
}

await mainBench()
