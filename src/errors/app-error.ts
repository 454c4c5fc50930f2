/** Stable error codes; each one is explained, with how to fix it, in docs/errors.md. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'DB_URL_INVALID'
  | 'DB_UNAVAILABLE'
  | 'MIGRATION_FAILED'
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'LOGIN_FAILED'
  | 'LOGIN_THROTTLED'
  | 'FORBIDDEN'
  | 'CSRF_FAILED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'RULES_INVALID'
  | 'QUERY_INVALID'
  | 'USAGE'
  | 'INTERNAL'
  | (string & {})

export interface AppErrorOptions {
  status?: number
  cause?: unknown
  field?: string
  details?: Record<string, unknown>
}

/** An error with a stable `code`, an HTTP status where it applies, and a message that says what to fix. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly field: string | undefined
  readonly details: Record<string, unknown> | undefined

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.status = options.status ?? 500
    this.field = options.field
    this.details = options.details
  }
}

/** True when `error` is an AppError, whatever realm or copy of this module created it. */
export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError || (error instanceof Error && error.name === 'AppError')
}
