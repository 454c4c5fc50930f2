import type { AlertEmail } from '../alert-email.js'

/** What became of one email: `sent` (2xx after DATA), `outbox` (written to a file) or `failed`. */
export interface DeliveryOutcome {
  status: 'sent' | 'outbox' | 'failed'
  /** Delivery attempts made, 1 or more. */
  attempts: number
  /** The server's last reply (or the outbox file path). */
  reply: string | null
  /** Why it failed, for history; null on success. */
  error: string | null
}

/** Extra headers of one send, e.g. the possible-duplicate mark. */
export interface SendOptions {
  headers?: Record<string, string>
}

/** A way to deliver alert emails. SMTP and the `.eml` outbox share this shape. */
export interface Notifier {
  readonly kind: 'smtp' | 'eml'
  send(email: AlertEmail, options?: SendOptions): Promise<DeliveryOutcome>
  close(): void
}
