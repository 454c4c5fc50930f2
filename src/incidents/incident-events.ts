import type { Database } from '../db/database.js'
import { AppError } from '../errors/app-error.js'

/** A stored sample event of an incident, as the API shows it. */
export interface IncidentEventJson {
  id: number
  kind: 'first' | 'latest'
  timestamp: string
  receivedAt: string
  source: string
  offset: number
  level: string
  message: string
  raw: string
  fields: Record<string, unknown>
}

function parseFields(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text)

    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
  } catch {
    // A sample clipped at the size limit no longer parses; its raw text is still shown.
    return {}
  }
}

/**
 * The stored samples of an incident, oldest first, `limit` (1-500) at a time after the sample
 * id `after`. Throws NOT_FOUND for an unknown incident.
 */
export async function listIncidentEvents(
  database: Database,
  incidentId: number,
  page: { limit: number; after?: number },
): Promise<{ items: IncidentEventJson[]; next: string | null }> {
  const incident = await database.db
    .selectFrom('incidents')
    .select('id')
    .where('id', '=', incidentId)
    .executeTakeFirst()
  if (incident === undefined) {
    throw new AppError('NOT_FOUND', `incident ${incidentId} does not exist`, { status: 404 })
  }

  const rows = await database.db
    .selectFrom('incident_events')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .where('id', '>', page.after ?? 0)
    .orderBy('id')
    .limit(page.limit + 1)
    .execute()
  const items = rows.slice(0, page.limit).map((r) => ({
    id: r.id,
    kind: r.kind,
    timestamp: new Date(r.at).toISOString(),
    receivedAt: new Date(r.received_at).toISOString(),
    source: r.source,
    offset: r.offset,
    level: r.level,
    message: r.message,
    raw: r.raw,
    fields: parseFields(r.fields),
  }))
  const last = items.at(-1)

  return { items, next: rows.length > page.limit && last !== undefined ? String(last.id) : null }
}
