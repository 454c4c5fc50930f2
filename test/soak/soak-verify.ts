import type { Database } from '../../src/db/database.js'
import type { FakeServiceNow } from '../fakes/servicenow-table-api.js'
import type { ReceivedMail } from '../integration/alerts/smtp-sink.js'

import type { Ledger } from './soak-writers.js'

/** How many runs of the alerts ended in each status, for the report (not a comparison). */
export async function runStatuses(
  database: Database,
  alertIds: readonly number[],
): Promise<string> {
  const rows = await database.db
    .selectFrom('alert_history')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('alert_id', 'in', [...alertIds])
    .groupBy('status')
    .execute()

  return rows.map((r) => `${r.status} ${r.n}`).join(', ')
}

/** One compared figure: what the ledger expects, what the system holds, and whether they agree. */
export interface Figure {
  name: string
  expected: number | string
  actual: number | string
  ok: boolean
  /** What to look at when it differs. */
  detail?: string
}

function figure(name: string, expected: number | string, actual: number | string): Figure {
  return { name, expected, actual, ok: expected === actual }
}

/** Error events per kind against incident counts. */
export async function compareIncidents(database: Database, ledger: Ledger): Promise<Figure[]> {
  const figures: Figure[] = []
  for (const kind of ledger.errors.keys()) {
    const rows = await database.db
      .selectFrom('incidents')
      .select(['count'])
      .where('message', 'like', `${kind} step%`)
      .execute()
    const stored = rows.reduce((sum, row) => sum + row.count, 0)
    figures.push(
      figure(
        `error events "${kind}" (${rows.length} incidents)`,
        ledger.errors.get(kind) ?? 0,
        stored,
      ),
    )
  }

  return figures
}

/** Every incident that qualifies for a ticket has exactly one, and no ticket is without one. */
export async function compareTickets(database: Database, fake: FakeServiceNow): Promise<Figure[]> {
  const qualifying = await database.db
    .selectFrom('incidents')
    .select(['fingerprint'])
    .where('severity', 'in', ['HIGH', 'MEDIUM'])
    .execute()
  const tickets = fake.incidents().map((t) => t.correlation_id ?? '')
  const perIncident = new Map<string, number>()
  for (const id of tickets) perIncident.set(id, (perIncident.get(id) ?? 0) + 1)
  const missing = qualifying.filter((r) => perIncident.get(r.fingerprint) !== 1).length
  const known = new Set(qualifying.map((r) => r.fingerprint))
  const orphans = tickets.filter((id) => !known.has(id)).length

  return [
    figure('tickets in ServiceNow', qualifying.length, tickets.length),
    figure('qualifying incidents without exactly one ticket', 0, missing),
    figure('tickets without an incident', 0, orphans),
  ]
}

function messageId(mail: ReceivedMail): string | null {
  return /^Message-ID:\s*(\S+)/im.exec(mail.raw)?.[1] ?? null
}

/**
 * Each sent (alert, window) reached the SMTP server exactly once (twice only when the second
 * is a recorded possible duplicate with the same Message-ID), no window was sent twice, and the
 * sent windows of each alert follow each other without a gap.
 */
export async function compareAlerts(
  database: Database,
  alertIds: readonly number[],
  mails: readonly ReceivedMail[],
): Promise<Figure[]> {
  const runs = await database.db
    .selectFrom('alert_history')
    .selectAll()
    .where('alert_id', 'in', [...alertIds])
    .where('trigger', '<>', 'test')
    .orderBy('window_from')
    .execute()
  const sent = runs.filter((r) => r.status === 'sent')
  const received = new Map<string, number>()
  for (const mail of mails) {
    const id = messageId(mail)
    if (id !== null) received.set(id, (received.get(id) ?? 0) + 1)
  }

  let wrongCopies = 0
  for (const run of sent) {
    const copies = received.get(run.message_id ?? '') ?? 0
    if (copies === 1 || (copies === 2 && run.possible_duplicate === 1)) continue
    wrongCopies += 1
  }
  const sentIds = new Set(sent.map((r) => r.message_id))
  const unexplained = [...received.keys()].filter((id) => !sentIds.has(id)).length
  const windows = new Set(sent.map((r) => `${r.alert_id}:${r.window_from}`))
  let gaps = 0
  for (const alertId of alertIds) {
    const mine = sent.filter((r) => r.alert_id === alertId)
    for (let i = 1; i < mine.length; i += 1) {
      if (mine[i]!.window_from !== mine[i - 1]!.window_to) gaps += 1
    }
  }
  const missed = await uncovered(database, alertIds[0]!, sent)
  const missedFigure = figure(
    'HIGH incidents in no email of the severity:HIGH alert',
    0,
    missed.length,
  )
  // Where each missed incident fell: the window holding its created_at, and when it was stored.
  missedFigure.detail = missed
    .slice(0, 5)
    .map((m) => {
      const window = sent.find(
        (r) =>
          r.alert_id === alertIds[0] && m.created_at > r.window_from && m.created_at <= r.window_to,
      )
      const where =
        window === undefined
          ? 'no window'
          : `window ${window.window_from}–${window.window_to} of the run started ${window.started_at}`
      return `incident ${m.id} created_at ${m.created_at}, updated_at ${m.updated_at}: ${where}`
    })
    .join('; ')

  return [
    missedFigure,
    figure('sent runs without exactly one email', 0, wrongCopies),
    figure('emails without a sent run', 0, unexplained),
    figure('windows sent twice', sent.length, windows.size),
    figure('gaps between sent windows', 0, gaps),
  ]
}

/** HIGH incidents created within the sent windows of the alert but listed in none of its runs. */
async function uncovered(
  database: Database,
  alertId: number,
  sent: readonly {
    alert_id: number
    window_from: number
    window_to: number
    incident_ids: string
  }[],
): Promise<{ id: number; created_at: number; updated_at: number }[]> {
  const mine = sent.filter((r) => r.alert_id === alertId)
  if (mine.length === 0) return []

  const listed = new Set<number>()
  for (const run of mine) for (const id of JSON.parse(run.incident_ids) as number[]) listed.add(id)
  const from = Math.min(...mine.map((r) => r.window_from))
  const to = Math.max(...mine.map((r) => r.window_to))
  const created = await database.db
    .selectFrom('incidents')
    .select(['id', 'created_at', 'updated_at'])
    .where('severity', '=', 'HIGH')
    .where('created_at', '>', from)
    .where('created_at', '<=', to)
    .execute()

  return created.filter((r) => !listed.has(r.id))
}
