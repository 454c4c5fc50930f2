// Soak: two workers and two web processes on PostgreSQL under rotation, kill -9, ServiceNow
// faults and SMTP outages; at the end the writers' ledger is compared with the database.
// Usage: npm run soak -- [--minutes 2] [--writers 20] [--files 200] [--interval-ms 40]
// How the ledger stays exact through rotation (docs/benchmarks.md, Soak, has the whole story):
// renamed files keep a name the workers' `*.log*` glob matches, so they are read to their end
// even by a worker that was dead during the rename; copytruncate pauses the file's writer and
// truncates only once the worker's committed checkpoint reached the end of the file, because
// lines the tailer had not read when the file is truncated exist only in the copy.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

import pg from 'pg'

import { openDatabase } from '../../src/db/database.js'
import { migrate } from '../../src/db/migrate.js'
import { FakeServiceNow, type FakeFault } from '../fakes/servicenow-table-api.js'
import { startSmtpSink } from '../integration/alerts/smtp-sink.js'
import {
  freePort,
  sleep,
  startAlims,
  waitFor,
  waitHealthy,
  type AlimsProcess,
} from '../integration/scale/layout.js'

import {
  compareAlerts,
  compareIncidents,
  compareTickets,
  runStatuses,
  type Figure,
} from './soak-verify.js'
import { Writers } from './soak-writers.js'

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '2' },
    writers: { type: 'string', default: '20' },
    files: { type: 'string', default: '200' },
    'interval-ms': { type: 'string', default: '40' },
  },
})
const minutes = Number(values.minutes)
const writerCount = Number(values.writers)
const fileCount = Number(values.files)
const intervalMs = Number(values['interval-ms'])
const PASSWORD = 'soak-admin-password'
const SNOW_PASSWORD = 'soak-snow-password'
const FAULTS: FakeFault[] = [
  { kind: 'html-503' },
  { kind: 'reset' },
  { kind: 'rate-limit', retryAfterSeconds: 2 },
  { kind: 'reset-after-commit' },
  { kind: 'truncated-json' },
]
const random = (min: number, max: number): number => min + Math.random() * (max - min)
const say = (text: string): void => {
  process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${text}\n`)
}

/** How far the workers' committed checkpoints are behind the files. */
interface Lag {
  files: number
  bytes: number
  worst: { path: string; offset: number; size: number } | null
}
const describeLag = (lag: Lag): string =>
  `${lag.files} files, ${lag.bytes.toLocaleString('en-US')} bytes` +
  (lag.worst === null
    ? ''
    : `; most behind: ${lag.worst.path} at ${lag.worst.offset} of ${lag.worst.size}`)

const base = process.env.ALIMS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const schema = `soak_${Date.now()}`
const url = new URL(base)
url.searchParams.set('options', `-c search_path=${schema}`)
const root = mkdtempSync(join(tmpdir(), 'alims-soak-'))
const hostDirs = [join(root, 'host-1'), join(root, 'host-2')]
const archiveDirs = [join(root, 'archive-1'), join(root, 'archive-2')]
for (const dir of hostDirs) mkdirSync(dir)
const ports = [await freePort(), await freePort()]
const webUrl = (i: number): string => `http://127.0.0.1:${ports[i]}`
const fake = await FakeServiceNow.start({ password: SNOW_PASSWORD, latencyMs: 5 })
const smtp = await startSmtpSink()
const common = {
  DATABASE_URL: url.toString(),
  ALIMS_ADMIN_PASSWORD: PASSWORD,
  ALIMS_PUBLIC_URL: webUrl(0),
  ALIMS_LOG_LEVEL: 'error',
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: String(smtp.port),
  SMTP_SECURE: 'none',
  SMTP_FROM: 'alims@example.com',
  SNOW_INSTANCE: fake.url,
  SNOW_USER: 'alims',
  SNOW_PASS: SNOW_PASSWORD,
  SNOW_TIMEOUT_MS: '2000',
  SNOW_CONNECT_TIMEOUT_MS: '1000',
}
const specs = new Map<string, { args: string[]; env: NodeJS.ProcessEnv }>()
for (const i of [0, 1]) {
  specs.set(`web-${i + 1}`, {
    args: ['web'],
    env: { ...common, PORT: String(ports[i]), ALIMS_DATA_DIR: join(root, `web-${i + 1}`) },
  })
  specs.set(`worker-${i + 1}`, {
    args: ['worker'],
    env: {
      ...common,
      ALIMS_LOG_PATHS: join(hostDirs[i]!, '**', '*.log*'),
      ALIMS_DATA_DIR: join(root, `worker-${i + 1}`),
    },
  })
}
const database = openDatabase(url.toString(), { poolSize: 3 })
const running = new Map<string, AlimsProcess>()
const state = { stopping: false }
const start = (name: string): AlimsProcess => {
  if (state.stopping) throw new Error(`not starting ${name}: the soak is stopping`)
  const spec = specs.get(name)!
  const child = startAlims(name, spec.args, spec.env)
  running.set(name, child)

  return child
}
const isUp = (name: string): boolean => {
  const child = running.get(name)?.child

  return child !== undefined && child.exitCode === null && child.signalCode === null
}

async function dropSchema(): Promise<void> {
  const client = new pg.Client({ connectionString: base, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    await client.query(`drop schema if exists ${schema} cascade`)
  } finally {
    await client.end()
  }
}

let cleaning: Promise<void> | null = null
/**
 * Stops every child, closes the fakes, drops the schema and removes the folder; each step runs
 * even when an earlier one failed, and a second call waits for the first.
 */
function cleanUp(): Promise<void> {
  state.stopping = true
  cleaning ??= (async () => {
    const steps: [string, () => unknown][] = [
      ['stop the processes', () => Promise.all([...running.values()].map((p) => p.stop()))],
      ['close the fake ServiceNow', () => fake.close()],
      ['stop the SMTP server', () => smtp.stop()],
      ['close the database', () => database.close()],
      [`drop schema ${schema}`, dropSchema],
      [
        `remove ${root}`,
        () => {
          rmSync(root, { recursive: true, force: true })
        },
      ],
    ]
    for (const [what, step] of steps) {
      try {
        await step()
      } catch (error) {
        say(`cleanup: could not ${what}: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
  })()

  return cleaning
}

// Interrupted or over time: the children and the schema go too, never left behind.
async function abort(reason: string, code: number): Promise<never> {
  say(`soak aborted: ${reason}`)
  await cleanUp()
  process.exit(code)
}
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  process.once(signal, () => void abort(`received ${signal}`, code))
}
// Start-up, catch-up and the final checks take a few minutes; waits inside are bounded too.
const limitMinutes = minutes + 15
setTimeout(
  () => void abort(`still running after ${limitMinutes} minutes`, 1),
  limitMinutes * 60_000,
).unref()

let failed = false
const figures: Figure[] = []
const counters = { kills: 0, faults: 0, smtpOutages: 0 }
try {
  const admin = new pg.Client({ connectionString: base, connectionTimeoutMillis: 5000 })
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  await admin.end()
  await migrate(database)

  await waitHealthy(start('web-1'), webUrl(0))
  start('web-2')
  start('worker-1')
  start('worker-2')
  await waitHealthy(running.get('web-2')!, webUrl(1))

  const login = await fetch(`${webUrl(0)}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: webUrl(0) },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  })
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  const { csrfToken } = (await login.json()) as { csrfToken: string }
  const headers = {
    'content-type': 'application/json',
    cookie,
    origin: webUrl(0),
    'x-csrf-token': csrfToken,
  }
  const alertIds: number[] = []
  for (const [name, query] of [
    ['all high', 'severity:HIGH'],
    ['alpha', 'Alpha'],
  ] as const) {
    const response = await fetch(`${webUrl(0)}/api/v1/alerts`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name,
        query,
        recipients: ['ops@example.com'],
        schedule: { kind: 'interval', minutes: 1 },
      }),
    })
    if (response.status !== 201) throw new Error(`alert not created: ${await response.text()}`)
    alertIds.push(((await response.json()) as { id: number }).id)
  }

  const writers = new Writers(
    hostDirs,
    archiveDirs,
    writerCount,
    Math.max(1, Math.floor(fileCount / writerCount)),
  )
  const writing = writers.run(intervalMs)
  const deadline = Date.now() + minutes * 60_000
  say(
    `running ${minutes} min: ${writerCount} writers, ${writers.files.length} files, 2 workers, 2 webs`,
  )

  const readTo = async (path: string, inode: number): Promise<number | null> => {
    const row = await database.db
      .selectFrom('processed_logs')
      .select('offset')
      .where('path', '=', path)
      .where('inode', '=', String(inode))
      // After copytruncate the same inode has a new head, so a new identity: take the newest.
      .orderBy('id', 'desc')
      .executeTakeFirst()

    return row?.offset ?? null
  }
  /** Files whose committed checkpoint is short of their size, and by how many bytes in all. */
  const lag = async (): Promise<Lag> => {
    const behind: Lag = { files: 0, bytes: 0, worst: null }
    for (const dir of hostDirs) {
      for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
        if (!name.includes('.log')) continue
        const path = join(dir, name)
        const stat = statSync(path, { throwIfNoEntry: false })
        if (stat === undefined || stat.size === 0) continue
        const offset = (await readTo(path, stat.ino)) ?? 0
        if (offset === stat.size) continue
        behind.files += 1
        behind.bytes += stat.size - offset
        if (behind.worst === null || stat.size - offset > behind.worst.size - behind.worst.offset)
          behind.worst = { path, offset, size: stat.size }
      }
    }

    return behind
  }
  const loops = [
    (async () => {
      for (let n = 0; Date.now() < deadline; n += 1) {
        if (n % 2 === 0) writers.renameOne()
        else await writers.copyTruncateOne(readTo, (host) => isUp(`worker-${host + 1}`))
        await sleep(random(2000, 4000))
      }
    })(),
    (async () => {
      await sleep(random(10_000, 20_000))
      while (Date.now() < deadline) {
        const names = [...specs.keys()]
        const name = names[Math.floor(Math.random() * names.length)]!
        const victim = running.get(name)
        if (victim !== undefined && isUp(name)) {
          victim.child.kill('SIGKILL')
          await new Promise((resolve) => victim.child.once('exit', resolve))
          counters.kills += 1
          say(`killed ${name} with SIGKILL`)
          await sleep(1000)
          start(name)
        }
        await sleep(random(10_000, 20_000))
      }
    })(),
    (async () => {
      // Long runs report how far behind the workers are every 5 minutes.
      while (minutes >= 10 && Date.now() < deadline - 300_000) {
        await sleep(300_000)
        say(`behind: ${describeLag(await lag())}`)
      }
    })(),
    (async () => {
      while (Date.now() < deadline) {
        fake.inject(FAULTS[Math.floor(Math.random() * FAULTS.length)]!, { times: 2 })
        counters.faults += 1
        await sleep(random(3000, 7000))
      }
    })(),
    (async () => {
      while (Date.now() < deadline - 30_000) {
        await sleep(random(20_000, 30_000))
        await smtp.down()
        counters.smtpOutages += 1
        await sleep(random(10_000, 15_000))
        await smtp.up()
      }
    })(),
  ]
  await Promise.all(loops)
  fake.clearFaults()
  writers.stop()
  await writing
  for (const name of specs.keys()) if (!isUp(name)) start(name)
  say('writers stopped; waiting for the workers to catch up')

  // Caught up when every file's committed checkpoint is at its end. Slow is not stuck: the
  // wait fails only when the bytes behind stop shrinking for 2 minutes.
  const caughtUp = Date.now()
  let least = Infinity
  let progressAt = Date.now()
  for (;;) {
    const now = await lag()
    if (now.bytes === 0) break
    if (now.bytes < least) {
      least = now.bytes
      progressAt = Date.now()
    }
    if (Date.now() - progressAt > 120_000) {
      throw new Error(`the workers made no progress for 2 minutes: ${describeLag(now)}`)
    }
    await sleep(1000)
  }
  say(
    `every file read to its end ${((Date.now() - caughtUp) / 1000).toFixed(0)} s after the writers stopped`,
  )
  // A row that failed many times waits up to the backoff cap (10 minutes) before its next
  // attempt; in a long run with faults every few seconds some rows get there. Make waiting rows
  // due now, as an operator's "retry now" would; leases of rows being sent are left alone.
  await database.db
    .updateTable('ticket_outbox')
    .set({ next_attempt_at: Date.now() })
    .where('state', 'in', ['pending', 'failed'])
    .execute()
  await waitFor(
    'every ticket sent',
    async () => {
      const open = await database.db
        .selectFrom('ticket_outbox')
        .select('id')
        .where('kind', '=', 'create')
        .where('state', '<>', 'done')
        .execute()

      return open.length === 0 ? true : null
    },
    180_000,
  )

  // A web process killed mid-run holds its claim for 10 minutes; the soak does not wait that long.
  await database.db.updateTable('alerts').set({ claim_expires_at: 0 }).execute()
  await sleep(6000)
  for (const id of alertIds) {
    const response = await fetch(`${webUrl(0)}/api/v1/alerts/${id}/run`, {
      method: 'POST',
      headers,
      body: '{}',
    })
    if (!response.ok) throw new Error(`final run of alert ${id}: ${await response.text()}`)
  }

  const ledger = writers.ledger
  say(
    `wrote ${[...ledger.errors.values()].reduce((a, b) => a + b, 0)} errors, ${ledger.warnings} warnings, ${ledger.infos} infos; ` +
      `${ledger.renames} renames, ${ledger.copytruncates} copytruncates (${ledger.copytruncatesDeferred} deferred to a rename); ` +
      `${counters.kills} kills, ${counters.faults} ServiceNow faults, ${counters.smtpOutages} SMTP outages`,
  )
  figures.push(...(await compareIncidents(database, ledger)))
  figures.push(...(await compareTickets(database, fake)))
  figures.push(...(await compareAlerts(database, alertIds, smtp.messages)))
  say(
    `alert runs: ${await runStatuses(database, alertIds)}; emails received: ${smtp.messages.length}`,
  )
} catch (error) {
  failed = true
  // After a signal or the time limit, errors here are the echo of the processes being stopped.
  if (!state.stopping) {
    say(`soak aborted: ${error instanceof Error ? error.message : String(error)}`)
    for (const child of running.values()) {
      const output = child.output().slice(-2000)
      if (output !== '') say(`${child.name} output (last 2,000 characters):\n${output}`)
    }
  }
} finally {
  await cleanUp()
}

for (const f of figures) {
  say(`${f.ok ? 'ok  ' : 'DIFF'} ${f.name}: expected ${f.expected}, got ${f.actual}`)
  if (!f.ok && f.detail !== undefined) say(`     ${f.detail}`)
}
const differences = figures.filter((f) => !f.ok).length
say(failed ? 'FAILED' : differences === 0 ? 'PASSED' : `FAILED: ${differences} differences`)
process.exit(failed || differences > 0 ? 1 : 0)
