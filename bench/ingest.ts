// npm run bench:ingest — lines per second of the reading stages (tail + split + parse) on a
// generated 1,000,000-line mixed log, next to `grep -cE` for the usual error words on the same
// file in the same run. Each row runs in its own process, best of --runs (default 3).
//
// To add a row (e.g. the whole pipeline into SQLite), append to ROWS: a name and a function
// that processes the file and resolves to a Measurement.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { build } from 'esbuild'

import { generateMixedLog } from './generate-mixed-log.js'
import type { StagesResult } from './ingest-stages.js'
import { reportJson } from './report.js'
import { syslogNgRow } from './syslog-ng.js'

/** One timed run of a row. */
export interface Measurement {
  lines: number
  seconds: number
  cpuSeconds: number | null
  maxRssBytes: number | null
}

/** A line of the report: a name and how to measure it on a file of `lines` lines. */
export interface Row {
  name: string
  measure(file: string, lines: number): Promise<Measurement>
}

const GREP_PATTERN = 'ERROR|WARN|FATAL|error|warn|fatal|Exception|Traceback|failed|timeout'
const OUT = 'bench/out'

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name)
  const value = at === -1 ? NaN : Number(process.argv[at + 1])

  return Number.isFinite(value) && value > 0 ? value : fallback
}

/** Runs a command with stdout to a pipe; resolves to stdout, stderr and the wall time. */
function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ stdout: string; stderr: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text))
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
    child.on('error', reject)
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9
      if (code !== 0 && !(command.endsWith('time') && code === 1)) {
        reject(new Error(`${command} exited with ${code}: ${stderr.trim()}`))
      } else resolve({ stdout, stderr, seconds })
    })
  })
}

// GNU grep stops at the first match when its output is /dev/null: it writes to a pipe here.
const grepRow: Row = {
  name: 'grep -cE (reference)',
  async measure(file, lines) {
    const env = { ...process.env, LC_ALL: 'C' }
    if (existsSync('/usr/bin/time')) {
      const args = ['-f', '%e %U %S %M', 'grep', '-cE', GREP_PATTERN, file]
      const { stderr } = await run('/usr/bin/time', args, env)
      const [wall, user, system, rssKb] =
        stderr.trim().split('\n').pop()?.split(' ').map(Number) ?? []

      return {
        lines,
        seconds: wall ?? NaN,
        cpuSeconds: (user ?? NaN) + (system ?? NaN),
        maxRssBytes: (rssKb ?? NaN) * 1024,
      }
    }

    const { seconds } = await run('grep', ['-cE', GREP_PATTERN, file], env)

    return { lines, seconds, cpuSeconds: null, maxRssBytes: null }
  },
}

// The stages run as the worker runs them: compiled to one ES module, in plain Node.
async function bundleStages(): Promise<string> {
  const outfile = join(OUT, 'ingest-stages.mjs')
  await build({
    entryPoints: ['bench/ingest-stages.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  })

  return outfile
}

const stagesRow = (script: string): Row => ({
  name: 'alims tail+split+parse',
  async measure(file) {
    const { stdout } = await run(process.execPath, [script, file])
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as StagesResult

    return {
      lines: result.lines,
      seconds: result.seconds,
      cpuSeconds: result.cpuSeconds,
      maxRssBytes: result.maxRssBytes,
    }
  },
})

function timed(stderr: string, lines: number): Measurement {
  const [wall, user, system, rssKb] = stderr.trim().split('\n').pop()?.split(' ').map(Number) ?? []

  return {
    lines,
    seconds: wall ?? NaN,
    cpuSeconds: (user ?? NaN) + (system ?? NaN),
    maxRssBytes: (rssKb ?? NaN) * 1024,
  }
}

// The whole pipeline as an operator runs it: `alims ingest` (compiled) into a fresh SQLite
// database — tail, split, join, parse, classify, group and store, with its start-up included.
const pipelineRow: Row = {
  name: 'alims ingest → SQLite',
  async measure(file, lines) {
    const dir = mkdtempSync(join(tmpdir(), 'alims-bench-ingest-'))
    try {
      const env = {
        ...process.env,
        DATABASE_URL: `sqlite:${join(dir, 'alims.db')}`,
        ALIMS_LOG_LEVEL: 'warn',
      }
      const args = ['-f', '%e %U %S %M', process.execPath, 'bin/alims.js', 'ingest', file, '--json']
      const { stdout, stderr } = await run('/usr/bin/time', args, env)
      const report = JSON.parse(stdout.trim()) as { lines: number; incidentsCreated: number }
      if (report.lines !== lines)
        throw new Error(`alims ingest read ${report.lines} lines of ${lines}`)

      return timed(stderr, lines)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}

async function best(row: Row, file: string, lines: number, runs: number): Promise<Measurement> {
  let kept: Measurement | null = null
  for (let i = 0; i < runs; i++) {
    const measured = await row.measure(file, lines)
    if (kept === null || measured.seconds < kept.seconds) kept = measured
  }
  if (kept === null) throw new Error(`no run of ${row.name}`)

  return kept
}

const number = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      })
    : '-'

async function main(): Promise<void> {
  const lineCount = option('--lines', 1_000_000)
  const runs = option('--runs', 3)
  const file = join(OUT, 'mixed.log')
  const generated = generateMixedLog(file, lineCount)
  process.stdout.write(
    `file: ${file}, ${number(generated.lines)} lines, ${number(statSync(file).size / 1e6, 1)} MB; best of ${runs} runs\n\n`,
  )

  const ROWS: Row[] = [grepRow, stagesRow(await bundleStages())]
  if (existsSync('/usr/bin/time')) {
    // The pipeline row runs the compiled CLI, so build it from the current source first.
    await run(process.execPath, ['scripts/build-server.mjs'])
    ROWS.push(pipelineRow)
    const syslogNg = syslogNgRow(async (args, env) => {
      const { stderr } = await run('/usr/bin/time', ['-f', '%e %U %S %M', ...args], env)

      return timed(stderr, generated.lines)
    })
    if (typeof syslogNg === 'string') {
      process.stdout.write(`syslog-ng (reference) left out: ${syslogNg}\n\n`)
    } else {
      process.stdout.write(
        `${syslogNg.name}: Debian's package unpacked in bench/out, joining indented lines and filtering three levels into files\n\n`,
      )
      ROWS.push(syslogNg)
    }
  }
  const header = `${'stage'.padEnd(26)} ${'lines/s'.padStart(12)} ${'vs grep'.padStart(8)} ${'(cpu)'.padStart(7)} ${'wall s'.padStart(7)} ${'cpu s'.padStart(6)} ${'max RSS'.padStart(9)}\n`
  process.stdout.write(header)

  const results: Measurement[] = []
  for (const row of ROWS) {
    const measured = await best(row, file, generated.lines, runs)
    results.push(measured)
    const reference = results[0] ?? measured
    const ratio = reference.seconds / measured.seconds
    const cpuRatio =
      reference.cpuSeconds !== null && measured.cpuSeconds !== null
        ? reference.cpuSeconds / measured.cpuSeconds
        : NaN
    const rss = measured.maxRssBytes === null ? '-' : `${number(measured.maxRssBytes / 1e6)} MB`
    process.stdout.write(
      `${row.name.padEnd(26)} ${number(measured.lines / measured.seconds).padStart(12)} ${number(ratio, 3).padStart(8)} ${number(cpuRatio, 3).padStart(7)} ${number(measured.seconds, 3).padStart(7)} ${number(measured.cpuSeconds ?? NaN, 3).padStart(6)} ${rss.padStart(9)}\n`,
    )
  }

  process.stdout.write(
    '\nvs grep: rate relative to grep by wall time; (cpu): by CPU seconds, steadier on a busy machine\n',
  )
  const [grep, stages, pipeline, syslogNg] = results
  const verdict = (name: string, measured: Measurement | undefined, share: number): void => {
    if (grep === undefined || measured === undefined) return
    const ratio = grep.seconds / measured.seconds
    const rssOk = measured.maxRssBytes !== null && measured.maxRssBytes < 150e6
    process.stdout.write(
      `target: ${name} at >= 1/${share} (${number(1 / share, 3)}) of grep's rate: ${ratio >= 1 / share ? 'met' : 'not met'} (${number(ratio, 3)}); RSS < 150 MB: ${rssOk ? 'met' : 'not met'}\n`,
    )
  }
  verdict('tail+split+parse', stages, 6)
  verdict('the whole pipeline', pipeline, 12)
  if (pipeline !== undefined && syslogNg !== undefined) {
    const times = syslogNg.seconds / pipeline.seconds
    process.stdout.write(
      `aim: the whole pipeline faster than syslog-ng: ${times >= 1 ? 'met' : 'not met'} (${number(times, 2)} times its rate)\n`,
    )
  }
  reportJson('ingest', {
    file,
    lines: generated.lines,
    bytes: statSync(file).size,
    runs,
    rows: ROWS.map((row, i) => ({ name: row.name, ...results[i] })),
  })
}

await main()
