import type { Db } from '../db/database.js'

/** What the audit log records; stable names that operators grep for. */
export type AuditAction =
  | 'login.success'
  | 'login.failure'
  | 'login.throttled'
  | 'logout'
  | 'user.created'
  | 'user.changed'
  | 'user.disabled'
  | 'user.enabled'
  | 'user.role_changed'
  | 'user.password_changed'
  | 'user.password_reset'
  | 'token.created'
  | 'token.revoked'
  | 'alert.created'
  | 'alert.changed'
  | 'alert.enabled'
  | 'alert.disabled'
  | 'alert.deleted'

/** Who did something: an account, or nobody (the system, an anonymous client). */
export interface Actor {
  id: number | null
  name: string | null
  ip?: string | null
}

export interface AuditEntry {
  action: AuditAction
  actor: Actor
  targetType?: 'account' | 'token' | 'session' | 'alert'
  targetId?: string | number
  /** Small structured facts; never a password, token or cookie. */
  details?: Record<string, unknown>
}

/** A row of the audit log as the API returns it. */
export interface AuditRecord {
  id: number
  at: number
  actorId: number | null
  actorName: string | null
  action: string
  targetType: string | null
  targetId: string | null
  ip: string | null
  details: Record<string, unknown> | null
}

/** The append-only audit log of security-relevant actions. */
export class AuditLog {
  readonly #db: Db
  readonly #now: () => number

  constructor(db: Db, now: () => number = Date.now) {
    this.#db = db
    this.#now = now
  }

  /** Appends one entry. */
  async record(entry: AuditEntry, db: Db = this.#db): Promise<void> {
    await db
      .insertInto('audit_log')
      .values({
        at: this.#now(),
        actor_id: entry.actor.id,
        actor_name: entry.actor.name,
        action: entry.action,
        target_type: entry.targetType ?? null,
        target_id: entry.targetId === undefined ? null : String(entry.targetId),
        ip: entry.actor.ip ?? null,
        details: entry.details === undefined ? null : JSON.stringify(entry.details),
      })
      .execute()
  }

  /** The newest entries first, at most `limit` (1-500), optionally only one action. */
  async list(options: { limit?: number; action?: string } = {}): Promise<AuditRecord[]> {
    let query = this.#db.selectFrom('audit_log').selectAll()
    if (options.action !== undefined) query = query.where('action', '=', options.action)
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 500)
    const rows = await query.orderBy('id', 'desc').limit(limit).execute()

    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      actorId: row.actor_id,
      actorName: row.actor_name,
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      ip: row.ip,
      details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
    }))
  }
}
