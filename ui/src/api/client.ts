/** An error answer of the API: its stable code, message and, for bad input, the field. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field: string | undefined

  constructor(status: number, code: string, message: string, field?: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
  }
}

let csrfToken: string | null = null
let onUnauthenticated: (() => void) | null = null

/** Remembers the session's CSRF token (from login or GET /api/v1/me); sent on every change. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

/** Called when the server says the session is gone (401), so the app can show the login page. */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  body?: unknown
  /** Do not run the 401 handler (for the login and "who am I" calls themselves). */
  quiet401?: boolean
  signal?: AbortSignal
}

interface ErrorBody {
  error?: { code?: string; message?: string; field?: string }
}

/** Calls the JSON API with the session cookie and, for changes, the CSRF header. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET'
  const headers: Record<string, string> = { accept: 'application/json' }
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken

  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? null : JSON.stringify(options.body),
    signal: options.signal ?? null,
  })
  if (response.status === 204) return undefined as T

  const text = await response.text()
  const data: unknown = text === '' ? null : JSON.parse(text)
  if (!response.ok) {
    const error = (data as ErrorBody | null)?.error
    if (response.status === 401 && options.quiet401 !== true) onUnauthenticated?.()

    throw new ApiError(
      response.status,
      error?.code ?? 'HTTP_ERROR',
      error?.message ?? `the server answered ${response.status}`,
      error?.field,
    )
  }

  return data as T
}
