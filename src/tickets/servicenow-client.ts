import type { ServiceNowConfig } from '../config/config.js'
import { ticketUrl } from '../incidents/incident-json.js'

import { HttpClient, TransportError, type HttpResponse } from './http-request.js'
import { oneLine } from './ticket-content.js'
import { TicketError } from './ticket-error.js'

/** A ServiceNow incident as alims keeps it. */
export interface TicketRef {
  sysId: string
  number: string
}

interface Token {
  access: string
  refresh: string | null
  expiresAt: number
}

const TABLE = '/api/now/table/incident'
const RETRY_AFTER_MAX_MS = 60 * 60 * 1000

/**
 * The ServiceNow Table API as alims uses it: create an incident, find one by correlation id,
 * update one. Basic auth, or the OAuth password grant with refresh when a client id is set.
 * Every failure becomes a TicketError; no message carries credentials or response headers.
 */
export class ServiceNowClient {
  readonly #config: ServiceNowConfig
  readonly #http: HttpClient
  readonly #clock: () => number
  #token: Token | null = null

  constructor(config: ServiceNowConfig, options: { clock?: () => number } = {}) {
    this.#config = config
    this.#clock = options.clock ?? Date.now
    this.#http = new HttpClient({
      ca: config.ca,
      connectTimeoutMs: config.connectTimeoutMs,
      timeoutMs: config.timeoutMs,
      maxSockets: config.concurrency + 1,
    })
  }

  /** The address of a ticket in the ServiceNow UI. */
  ticketUrl(sysId: string): string {
    return ticketUrl(this.#config.baseUrl, sysId) ?? ''
  }

  /** Creates an incident; names in reference fields are accepted (sysparm_input_display_value). */
  async create(fields: Record<string, string>): Promise<TicketRef> {
    const query = 'sysparm_input_display_value=true&sysparm_fields=sys_id,number,correlation_id'
    const result = await this.#call('POST', `${TABLE}?${query}`, fields)

    return ticketRef(result)
  }

  /**
   * The active incident whose correlation_id is `correlationId`, or null. The record returned
   * is checked, because ServiceNow answers a query it cannot apply with unfiltered rows.
   */
  async findByCorrelationId(correlationId: string): Promise<TicketRef | null> {
    const query = new URLSearchParams({
      sysparm_query: `correlation_id=${correlationId}^active=true^ORDERBYsys_created_on`,
      sysparm_limit: '1',
      sysparm_fields: 'sys_id,number,correlation_id',
    })
    const result = await this.#call('GET', `${TABLE}?${query.toString()}`)
    if (!Array.isArray(result)) throw badResponse('a list result')

    const first = result[0] as Record<string, unknown> | undefined
    if (first === undefined) return null
    // Rows that do not match mean the query was ignored: nothing is known, so creating now
    // could double a ticket and adopting would take another incident's ticket.
    if (first.correlation_id !== correlationId) {
      throw new TicketError(
        'SNOW_BAD_RESPONSE',
        'ServiceNow ignored the correlation_id lookup query (unfiltered rows came back): check that the integration user can read incident.correlation_id',
      )
    }

    return ticketRef(first)
  }

  /** Updates fields of an incident (work_notes appends a note). */
  async update(sysId: string, fields: Record<string, string>): Promise<void> {
    const path = `${TABLE}/${encodeURIComponent(sysId)}?sysparm_input_display_value=true&sysparm_fields=sys_id`
    await this.#call('PATCH', path, fields)
  }

  /**
   * True when the incident already has a work note containing `marker`. Rows are checked,
   * because an ignored query returns unrelated journal entries.
   */
  async hasWorkNote(sysId: string, marker: string): Promise<boolean> {
    const rows = await this.list('sys_journal_field', {
      sysparm_query: `element_id=${sysId}^element=work_notes^valueLIKE${marker}`,
      sysparm_fields: 'sys_id,element_id,value',
      sysparm_limit: '5',
    })

    return rows.some(
      (row) =>
        row.element_id === sysId && typeof row.value === 'string' && row.value.includes(marker),
    )
  }

  /** Reads a table through the same authentication and error handling (the connection test). */
  async list(table: string, params: Record<string, string>): Promise<Record<string, unknown>[]> {
    const query = new URLSearchParams(params).toString()
    const result = await this.#call('GET', `/api/now/table/${table}?${query}`)
    if (!Array.isArray(result)) throw badResponse('a list result')

    return result as Record<string, unknown>[]
  }

  close(): void {
    this.#http.close()
  }

  async #call(method: 'GET' | 'POST' | 'PATCH', path: string, body?: object): Promise<unknown> {
    let response = await this.#send(method, path, body)
    if (response.status === 401 && this.#config.oauth !== null) {
      // An expired or revoked token: one refresh, then the answer stands.
      if (this.#token !== null) this.#token = { ...this.#token, expiresAt: 0 }
      response = await this.#send(method, path, body)
    }

    return this.#result(response)
  }

  async #send(method: 'GET' | 'POST' | 'PATCH', path: string, body?: object) {
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: await this.#authorization(),
    }
    if (body !== undefined) headers['content-type'] = 'application/json'

    return this.#transport(() =>
      this.#http.send({
        method,
        url: new URL(path, this.#config.baseUrl),
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    )
  }

  async #transport(send: () => Promise<HttpResponse>): Promise<HttpResponse> {
    try {
      return await send()
    } catch (error) {
      if (!(error instanceof TransportError)) throw error

      const code =
        error.failure === 'timeout' || error.failure === 'connect-timeout'
          ? 'SNOW_TIMEOUT'
          : error.failure === 'tls'
            ? 'SNOW_TLS_FAILED'
            : 'SNOW_UNREACHABLE'
      throw new TicketError(code, `ServiceNow request failed: ${error.message}`)
    }
  }

  async #authorization(): Promise<string> {
    const oauth = this.#config.oauth
    if (oauth === null) {
      const pair = `${this.#config.user}:${this.#config.password}`

      return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`
    }

    const now = this.#clock()
    if (this.#token !== null && this.#token.expiresAt > now) return `Bearer ${this.#token.access}`

    const refresh = this.#token?.refresh ?? null
    this.#token = null
    const form = new URLSearchParams({
      client_id: oauth.clientId,
      client_secret: oauth.clientSecret,
    })
    if (refresh !== null) {
      form.set('grant_type', 'refresh_token')
      form.set('refresh_token', refresh)
    }
    let token = refresh === null ? null : await this.#requestToken(form).catch(() => null)
    if (token === null) {
      form.delete('refresh_token')
      form.set('grant_type', 'password')
      form.set('username', this.#config.user)
      form.set('password', this.#config.password)
      token = await this.#requestToken(form)
    }
    this.#token = token

    return `Bearer ${token.access}`
  }

  async #requestToken(form: URLSearchParams): Promise<Token> {
    const response = await this.#transport(() =>
      this.#http.send({
        method: 'POST',
        url: new URL('/oauth_token.do', this.#config.baseUrl),
        headers: {
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: form.toString(),
      }),
    )
    if (response.status === 401 || response.status === 400) {
      throw new TicketError(
        'SNOW_AUTH_FAILED',
        `ServiceNow refused the OAuth grant (HTTP ${response.status}): check SNOW_CLIENT_ID, SNOW_CLIENT_SECRET, SNOW_USER and SNOW_PASS`,
        { permanent: true },
      )
    }
    if (response.status !== 200) this.#result(response)

    const body = parseJson(response.body) as Record<string, unknown> | null
    const access = body?.access_token
    if (typeof access !== 'string' || access === '') throw badResponse('an access_token')

    const expiresIn = typeof body?.expires_in === 'number' ? body.expires_in : 1800
    const refresh = typeof body?.refresh_token === 'string' ? body.refresh_token : null

    return { access, refresh, expiresAt: this.#clock() + Math.max(0, expiresIn - 60) * 1000 }
  }

  #result(response: HttpResponse): unknown {
    const { status } = response
    if (status >= 200 && status < 300) {
      const type = response.headers['content-type'] ?? ''
      const body = type.includes('json') ? parseJson(response.body) : null
      if (body === null || typeof body !== 'object' || !('result' in body)) {
        throw badResponse(
          type.includes('html')
            ? `JSON but got an HTML page with HTTP ${status} (is the instance hibernating?)`
            : `a JSON body with a result (HTTP ${status}, ${type || 'no content type'})`,
        )
      }

      return body.result
    }

    const reason = serviceNowReason(response)
    if (status === 401) {
      throw new TicketError(
        'SNOW_AUTH_FAILED',
        `ServiceNow rejected the credentials (HTTP 401${reason}): check SNOW_USER and SNOW_PASS`,
        { permanent: true },
      )
    }
    if (status === 429) {
      throw new TicketError(
        'SNOW_RATE_LIMITED',
        `ServiceNow is rate limiting (HTTP 429${reason})`,
        {
          retryAfterMs: retryAfter(response.headers['retry-after'], this.#clock()),
        },
      )
    }
    if (status >= 500 || status === 408) {
      throw new TicketError('SNOW_SERVER_ERROR', `ServiceNow failed (HTTP ${status}${reason})`)
    }

    throw new TicketError(
      'SNOW_REJECTED',
      `ServiceNow rejected the request (HTTP ${status}${reason})`,
      {
        permanent: true,
      },
    )
  }
}

function ticketRef(result: unknown): TicketRef {
  const record = result as Record<string, unknown> | null
  const sysId = record?.sys_id
  const number = record?.number
  if (typeof sysId !== 'string' || typeof number !== 'string' || sysId === '' || number === '') {
    throw badResponse('a record with sys_id and number')
  }

  return { sysId, number }
}

function badResponse(expected: string): TicketError {
  return new TicketError('SNOW_BAD_RESPONSE', `ServiceNow answered, but not with ${expected}`)
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}

/** `: message (detail)` from ServiceNow's error envelope, clipped, or empty. */
function serviceNowReason(response: HttpResponse): string {
  const body = parseJson(response.body) as {
    error?: { message?: unknown; detail?: unknown }
  } | null
  const message = typeof body?.error?.message === 'string' ? body.error.message : ''
  const detail = typeof body?.error?.detail === 'string' ? body.error.detail : ''
  const text = [message, detail].filter((t) => t !== '').join(': ')

  return text === '' ? '' : `: ${oneLine(text, 300)}`
}

/** Retry-After as milliseconds from now: seconds or an HTTP date; null when absent or bad. */
export function retryAfter(header: string | undefined, now: number): number | null {
  if (header === undefined || header.trim() === '') return null

  const seconds = Number(header.trim())
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now
  if (!Number.isFinite(ms)) return null

  return Math.min(RETRY_AFTER_MAX_MS, Math.max(0, ms))
}
