import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { FakeServiceNow } from '../../fakes/servicenow-table-api.js'
import { createTestDatabase, type TestDatabase } from '../../helpers/databases.js'
import { startSmtpSink, type SmtpSink } from '../alerts/smtp-sink.js'
import {
  collectIncidentEvents,
  freePort,
  sleep,
  startAlims,
  waitFor,
  waitHealthy,
  type AlimsProcess,
} from './layout.js'

const PASSWORD = 'scaled-layout-password'
const SNOW_PASSWORD = 'scaled-snow-password'
// The same error in both workers' files: one incident whose count is the sum of both.
const SHARED = 'ERROR [checkout] payment declined by gateway for order'
const skip = inject('pgUrl') === null && process.env.ALIMS_REQUIRE_PG !== '1'

function line(message: string): string {
  return `${new Date().toISOString()} ${message}\n`
}

interface Session {
  cookie: string
  csrf: string
}

async function login(url: string): Promise<Session> {
  const response = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  })
  if (response.status !== 200) throw new Error(`login failed: ${response.status}`)
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  const body = (await response.json()) as { csrfToken: string }

  return { cookie, csrf: body.csrfToken }
}

describe.skipIf(skip)('postgres', () => {
  describe('two workers and three web processes on one PostgreSQL schema', () => {
    let test: TestDatabase
    let root: string
    let fake: FakeServiceNow
    let smtp: SmtpSink
    const webUrls: string[] = []
    const webs: AlimsProcess[] = []
    const workers: AlimsProcess[] = []
    const logFiles: string[] = []
    const alertIds: number[] = []
    // What afterAll undoes, in reverse order; filled as beforeAll gets further.
    const cleanups: (() => Promise<void> | void)[] = []

    beforeAll(async () => {
      test = await createTestDatabase('postgres')
      cleanups.push(() => test.cleanup())
      root = mkdtempSync(join(tmpdir(), 'alims-scale-'))
      cleanups.push(() => {
        rmSync(root, { recursive: true, force: true })
      })
      fake = await FakeServiceNow.start({ password: SNOW_PASSWORD })
      cleanups.push(() => fake.close())
      smtp = await startSmtpSink()
      cleanups.push(() => smtp.stop())
      cleanups.push(() => Promise.all([...webs, ...workers].map((p) => p.stop())).then(() => {}))
      const ports = [await freePort(), await freePort(), await freePort()]
      webUrls.push(...ports.map((port) => `http://127.0.0.1:${port}`))
      const common = {
        DATABASE_URL: test.url,
        ALIMS_ADMIN_PASSWORD: PASSWORD,
        ALIMS_PUBLIC_URL: webUrls[0],
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtp.port),
        SMTP_SECURE: 'none',
        SMTP_FROM: 'alims@example.com',
        SNOW_INSTANCE: fake.url,
        SNOW_USER: 'alims',
        SNOW_PASS: SNOW_PASSWORD,
      }
      const webEnv = (i: number): NodeJS.ProcessEnv => ({
        ...common,
        PORT: String(ports[i]),
        ALIMS_DATA_DIR: join(root, `web-${i + 1}`),
      })

      // The first web process creates the admin; the others start on the existing schema.
      webs.push(startAlims('web-1', ['web'], webEnv(0)))
      await waitHealthy(webs[0]!, webUrls[0]!)
      webs.push(startAlims('web-2', ['web'], webEnv(1)), startAlims('web-3', ['web'], webEnv(2)))
      for (const i of [1, 2]) {
        const dir = join(root, `host-${i}`)
        mkdirSync(dir)
        const file = join(dir, 'app.log')
        appendFileSync(file, line(`INFO [app] host ${i} started`))
        logFiles.push(file)
        workers.push(
          startAlims(`worker-${i}`, ['worker'], {
            ...common,
            ALIMS_LOG_PATHS: join(dir, '*.log'),
            ALIMS_DATA_DIR: join(root, `worker-${i}`),
          }),
        )
      }
      await waitHealthy(webs[1]!, webUrls[1]!)
      await waitHealthy(webs[2]!, webUrls[2]!)

      // Alerts are made before any error is written, so their first window holds them all.
      const session = await login(webUrls[0]!)
      const queries = { payment: 'payment', ledger: 'ledger', everything: 'severity:HIGH' }
      for (const [name, query] of Object.entries(queries)) {
        const response = await fetch(`${webUrls[0]}/api/v1/alerts`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            cookie: session.cookie,
            origin: webUrls[0]!,
            'x-csrf-token': session.csrf,
          },
          body: JSON.stringify({
            name,
            query,
            recipients: [`${name}@example.com`],
            schedule: { kind: 'interval', minutes: 1 },
          }),
        })
        expect(response.status, await response.clone().text()).toBe(201)
        alertIds.push(((await response.json()) as { id: number }).id)
      }
      // Held back until the alert test makes them due, so that no run happens on its own before.
      await test.database.db
        .updateTable('alerts')
        .set({ next_run_at: Date.now() + 3_600_000 })
        .where('id', 'in', alertIds)
        .execute()
    }, 120_000)

    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup()
    })

    it('serves a session created on web 1 on webs 2 and 3, and ends it everywhere', async () => {
      const session = await login(webUrls[0]!)

      for (const url of webUrls) {
        const me = await fetch(`${url}/api/v1/me`, { headers: { cookie: session.cookie } })
        expect(me.status).toBe(200)
        expect(((await me.json()) as { account: { username: string } }).account.username).toBe(
          'admin',
        )
      }

      const logout = await fetch(`${webUrls[2]}/api/v1/session`, {
        method: 'DELETE',
        headers: { cookie: session.cookie, origin: webUrls[2]!, 'x-csrf-token': session.csrf },
      })
      expect(logout.status).toBe(204)
      for (const url of webUrls) {
        const me = await fetch(`${url}/api/v1/me`, { headers: { cookie: session.cookie } })
        expect(me.status).toBe(401)
      }
    })

    it('delivers an incident written by worker 2 to a stream client on web 3', async () => {
      const session = await login(webUrls[0]!)
      const controller = new AbortController()
      const stream = await fetch(`${webUrls[2]}/api/v1/stream`, {
        headers: { cookie: session.cookie, accept: 'text/event-stream' },
        signal: controller.signal,
      })
      expect(stream.status).toBe(200)
      const live = collectIncidentEvents(stream.body!)
      try {
        appendFileSync(logFiles[1]!, line('ERROR [billing] ledger export crashed on shard'))

        const event = await waitFor('the stream event', () => {
          return live.events.find((e) => e.incident.title.includes('ledger export')) ?? null
        })
        expect(event.incident.source).toBe(logFiles[1])
      } finally {
        controller.abort()
      }
    })

    it('counts an error both workers see in one incident, exactly once per line', async () => {
      const perFile = [137, 211]
      for (let round = 0; round < 4; round += 1) {
        for (const [i, file] of logFiles.entries()) {
          let text = ''
          const n = perFile[i]! / 4 + (round === 3 ? perFile[i]! % 4 : 0)
          for (let k = 0; k < Math.floor(n); k += 1) {
            text += line(`${SHARED} ${round}${k}${i}`)
            if (k % 10 === 0) text += line(`WARN [checkout] retrying payment for order ${k}`)
          }
          appendFileSync(file, text)
        }
        await sleep(200)
      }
      const sizes = logFiles.map((file) => statSync(file).size)

      // Both workers have committed checkpoints at the ends of their files.
      await waitFor('both checkpoints at the end of the files', async () => {
        const rows = await test.database.db.selectFrom('processed_logs').selectAll().execute()
        const done = logFiles.every((file, i) =>
          rows.some((r) => r.path === file && r.offset === sizes[i]),
        )

        return done ? true : null
      })
      const shared = await test.database.db
        .selectFrom('incidents')
        .select(['count', 'source'])
        .where('title', 'like', '%payment declined%')
        .execute()

      expect(shared).toHaveLength(1)
      expect(shared[0]?.count).toBe(perFile[0]! + perFile[1]!)
    })

    it('opens exactly one ServiceNow ticket per incident with two workers draining', async () => {
      fake.inject({ kind: 'html-503' }, { times: 2 })
      appendFileSync(logFiles[0]!, line('ERROR [inventory] stock sync lost its lease'))
      appendFileSync(logFiles[1]!, line('ERROR [inventory] reindex aborted on node'))

      const incidents = await waitFor('every incident ticketed', async () => {
        const open = await test.database.db
          .selectFrom('ticket_outbox')
          .select('id')
          .where('kind', '=', 'create')
          .where('state', '<>', 'done')
          .execute()
        const rows = await test.database.db
          .selectFrom('incidents')
          .select(['fingerprint', 'ticket_state', 'title'])
          .where('severity', 'in', ['HIGH', 'MEDIUM'])
          .execute()
        const ready = open.length === 0 && rows.length >= 4

        return ready && rows.every((r) => r.ticket_state === 'created') ? rows : null
      })

      const tickets = fake.incidents()
      const correlations = tickets.map((t) => t.correlation_id).sort()
      expect(correlations).toEqual(incidents.map((r) => r.fingerprint).sort())
      expect(new Set(correlations).size).toBe(correlations.length)
    }, 90_000)

    it('runs each due alert once across the three web processes', async () => {
      // Every web process's next poll finds the same due time and wakes for it together.
      const dueAt = Date.now() + 16_000
      await test.database.db
        .updateTable('alerts')
        .set({ next_run_at: dueAt })
        .where('id', 'in', alertIds)
        .execute()

      const runs = await waitFor(
        'a run of every alert',
        async () => {
          const rows = await test.database.db
            .selectFrom('alert_history')
            .selectAll()
            .where('alert_id', 'in', alertIds)
            .execute()

          return new Set(rows.map((r) => r.alert_id)).size === alertIds.length ? rows : null
        },
        45_000,
      )
      // Time for a second, duplicate run to show up if a claim had let one through.
      await sleep(3000)
      const all = await test.database.db
        .selectFrom('alert_history')
        .selectAll()
        .where('alert_id', 'in', alertIds)
        .execute()

      expect(all).toHaveLength(runs.length)
      expect(all.map((r) => r.status)).toEqual(alertIds.map(() => 'sent'))
      const windows = all.map((r) => `${r.alert_id}:${r.window_from}`)
      expect(new Set(windows).size).toBe(alertIds.length)
      const messageIds = smtp.messages.map((m) => /^Message-ID:\s*(\S+)/im.exec(m.raw)?.[1])
      expect(messageIds.sort()).toEqual(all.map((r) => r.message_id).sort())
      expect(smtp.messages.map((m) => m.to[0]).sort()).toEqual([
        'everything@example.com',
        'ledger@example.com',
        'payment@example.com',
      ])
    }, 90_000)
  })
})
