/** The states of a ticket outbox row, in the order the page lists them. */
export const OUTBOX_STATES = ['pending', 'sending', 'failed', 'done'] as const

export type OutboxState = (typeof OUTBOX_STATES)[number]

/** A row of GET /api/v1/tickets/outbox. */
export interface OutboxItem {
  id: number
  incidentId: number
  incidentTitle: string
  kind: 'create' | 'note' | 'resolve'
  state: OutboxState
  attempts: number
  nextAttemptAt: string | null
  lastError: string | null
  createdAt: string
  updatedAt: string
}

export interface OutboxPage {
  configured: boolean
  items: OutboxItem[]
  counts: Record<OutboxState, number>
  next: number | null
}

/** The answer of POST /api/v1/tickets/connection-test. */
export interface ConnectionReport {
  configured: boolean
  ok: boolean
  instance: string | null
  checks: { name: 'auth' | 'table' | 'role'; ok: boolean; detail: string }[]
}
