// The machine section of docs/benchmarks.md: what the figures were measured on.
import { cpus, loadavg, release, totalmem } from 'node:os'

import pg from 'pg'

/** The PostgreSQL server's version at BENCH_PG_URL (or the local default), or why there is none. */
async function postgresVersion(): Promise<string> {
  const url = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    const { rows } = await client.query<{ server_version: string }>('show server_version')

    return `${rows[0]?.server_version ?? '?'} at ${new URL(url).host}`
  } catch (error) {
    return `not reachable at ${new URL(url).host} (${(error as Error).message})`
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** A Markdown section: CPU, cores, memory, kernel, Node.js, PostgreSQL, load average now. */
export async function machineSection(): Promise<string> {
  const cores = cpus()
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')
  const rows = [
    ['CPU', `${cores.length} × ${cores[0]?.model.trim() ?? 'unknown'}`],
    ['memory', `${(totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ['system', `${process.platform} ${release()} (${process.arch})`],
    ['Node.js', process.version],
    ['PostgreSQL', await postgresVersion()],
    ['load average (1 / 5 / 15 min) when written', load],
  ]

  return [
    '## Machine',
    '',
    'The figures below were measured on this machine, shared with other work: each section',
    'gives its load average, and every figure sits next to a reference measured in the same run,',
    'so compare ratios rather than absolute rates.',
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([name, value]) => `| ${name} | ${value} |`),
  ].join('\n')
}
