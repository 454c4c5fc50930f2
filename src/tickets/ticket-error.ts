import { AppError } from '../errors/app-error.js'

/** Stable codes of ServiceNow failures; docs/errors.md explains each and how to fix it. */
export type TicketErrorCode =
  | 'SNOW_UNREACHABLE'
  | 'SNOW_TIMEOUT'
  | 'SNOW_TLS_FAILED'
  | 'SNOW_RATE_LIMITED'
  | 'SNOW_SERVER_ERROR'
  | 'SNOW_BAD_RESPONSE'
  | 'SNOW_AUTH_FAILED'
  | 'SNOW_REJECTED'

/**
 * A failed ServiceNow call. `permanent` failures (rejected data, bad credentials) wait for an
 * operator; the others are retried with backoff. Messages never contain credentials.
 */
export class TicketError extends AppError {
  readonly permanent: boolean
  /** From Retry-After on 429, milliseconds. */
  readonly retryAfterMs: number | null

  constructor(
    code: TicketErrorCode,
    message: string,
    options: { permanent?: boolean; retryAfterMs?: number | null; status?: number } = {},
  ) {
    super(code, message, { status: options.status ?? 502 })
    this.name = 'AppError'
    this.permanent = options.permanent ?? false
    this.retryAfterMs = options.retryAfterMs ?? null
  }
}

/** True when `error` is a TicketError. */
export function isTicketError(error: unknown): error is TicketError {
  return error instanceof TicketError
}
