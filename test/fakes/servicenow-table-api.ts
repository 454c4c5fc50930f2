import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'

import {
  REFERENCES,
  derivePriority,
  glideTime,
  matchQuery,
  newSysId,
  seedTables,
  type SnowRecord,
} from './servicenow-records.js'

/**
 * Faults the fake can play. `before` faults answer instead of the real handler; `after`
 * faults run the real handler (a create is committed) and then spoil the response.
 */
export type FakeFault =
  | { kind: 'reset' }
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'html-503' }
  | { kind: 'hibernating' }
  | { kind: 'unauthorized' }
  | { kind: 'data-policy' }
  | { kind: 'invalid-query' }
  | { kind: 'delay-after-create'; ms: number }
  | { kind: 'reset-after-commit' }
  | { kind: 'truncated-json' }

export interface FaultRule {
  fault: FakeFault
  /** Only requests with this method; any when unset. */
  method?: 'GET' | 'POST' | 'PATCH'
  /** How many matching requests get the fault; unlimited when unset. */
  times?: number
}

export interface FakeServiceNowOptions {
  user?: string
  password?: string
  /** Enables `/oauth_token.do` with these client credentials. */
  oauth?: { clientId: string; clientSecret: string }
  /** Whether the user holds the itil role (the connection test checks it). */
  itil?: boolean
  /** Added to every request before it is handled, milliseconds. */
  latencyMs?: number
  port?: number
  host?: string
  /** Serves HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string }
}

export interface RequestRecord {
  method: string
  path: string
  status: number
  fault: FakeFault['kind'] | null
  authorization: string | null
  body: string
}

const HIBERNATING_PAGE =
  '<html><head><title>Instance Hibernating page</title></head><body><h1>Your instance is hibernating</h1><p>Sign in to wake it up.</p></body></html>'

function envelope(message: string, detail: string | null): string {
  return JSON.stringify({ error: { message, detail }, status: 'failure' })
}

/** A Table API server with the behaviour alims relies on, plus scriptable faults. */
export class FakeServiceNow {
  readonly requests: RequestRecord[] = []
  readonly workNotes = new Map<string, string[]>()
  readonly #tables: Map<string, SnowRecord[]>
  readonly #faults: FaultRule[] = []
  readonly #tokens = new Map<string, 'access' | 'refresh'>()
  readonly #sockets = new Set<Socket>()
  readonly #options: Required<Omit<FakeServiceNowOptions, 'oauth' | 'tls'>> &
    Pick<FakeServiceNowOptions, 'oauth' | 'tls'>
  #server: Server | null = null
  #counter = 10_000
  url = ''

  constructor(options: FakeServiceNowOptions = {}) {
    this.#options = {
      user: options.user ?? 'alims',
      password: options.password ?? 'alims-password',
      oauth: options.oauth,
      tls: options.tls,
      itil: options.itil ?? true,
      latencyMs: options.latencyMs ?? 0,
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
    }
    this.#tables = seedTables(this.#options.user, this.#options.itil)
  }

  /** Starts a fake on a free port (or `options.port`). */
  static async start(options: FakeServiceNowOptions = {}): Promise<FakeServiceNow> {
    const fake = new FakeServiceNow(options)
    await fake.listen()

    return fake
  }

  async listen(): Promise<void> {
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
        res.end(envelope('Internal error', String(error)))
      })
    }
    const tls = this.#options.tls
    const server: Server =
      tls === undefined ? createServer(handler) : createTlsServer({ ...tls }, handler)
    server.on('connection', (socket) => {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
    })
    await new Promise<void>((done) =>
      server.listen(this.#options.port, this.#options.host, () => {
        done()
      }),
    )
    this.#server = server
    const address = server.address() as AddressInfo
    const scheme = tls === undefined ? 'http' : 'https'
    this.url = `${scheme}://${this.#options.host}:${address.port}`
  }

  /** Adds a fault; rules are tried in the order they were added. */
  inject(fault: FakeFault, options: Omit<FaultRule, 'fault'> = { times: 1 }): void {
    this.#faults.push({ fault, ...options })
  }

  clearFaults(): void {
    this.#faults.length = 0
  }

  /** Makes every access token issued so far invalid, as when it expires. */
  expireTokens(): void {
    for (const [token, kind] of this.#tokens) if (kind === 'access') this.#tokens.delete(token)
  }

  /** Every incident record, oldest first. */
  incidents(): SnowRecord[] {
    return [...(this.#tables.get('incident') ?? [])]
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    const server = this.#server
    if (server === null) return

    await new Promise<void>((done) => {
      server.close(() => {
        done()
      })
    })
  }

  #takeFault(method: string): FakeFault | null {
    const index = this.#faults.findIndex((r) => r.method === undefined || r.method === method)
    const rule = this.#faults[index]
    if (rule === undefined) return null

    if (rule.times !== undefined) {
      rule.times -= 1
      if (rule.times <= 0) this.#faults.splice(index, 1)
    }

    return rule.fault
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req)
    if (this.#options.latencyMs > 0) await sleep(this.#options.latencyMs)

    const url = new URL(req.url ?? '/', 'http://fake')
    const method = req.method ?? 'GET'
    const record: RequestRecord = {
      method,
      path: url.pathname + url.search,
      status: 0,
      fault: null,
      authorization: req.headers.authorization ?? null,
      body,
    }
    this.requests.push(record)
    const send = (status: number, text: string, headers: Record<string, string> = {}): void => {
      record.status = status
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers })
      res.end(text)
    }

    if (url.pathname.startsWith('/_fake/')) {
      this.#control(method, url.pathname, body, send)

      return
    }
    if (url.pathname === '/oauth_token.do' && method === 'POST') {
      this.#token(new URLSearchParams(body), send)

      return
    }

    const fault = url.pathname.startsWith('/api/now/table/') ? this.#takeFault(method) : null
    record.fault = fault?.kind ?? null
    switch (fault?.kind) {
      case 'reset':
        req.socket.destroy()

        return
      case 'rate-limit':
        send(429, envelope('Maximum rate limit exceeded', 'Too many requests'), {
          'retry-after': String(fault.retryAfterSeconds),
        })

        return
      case 'html-503':
        send(503, '<html><body><h1>503 Service Unavailable</h1></body></html>', {
          'content-type': 'text/html',
        })

        return
      case 'hibernating':
        send(200, HIBERNATING_PAGE, { 'content-type': 'text/html;charset=UTF-8' })

        return
      case 'unauthorized':
        send(401, envelope('User Not Authenticated', 'Required to provide Auth information'))

        return
      case 'data-policy':
        send(
          403,
          envelope('Operation Failed', 'Data Policy Exception: Assignment group is mandatory'),
        )

        return
      case undefined:
      case 'invalid-query':
      case 'delay-after-create':
      case 'reset-after-commit':
      case 'truncated-json':
        break
    }

    if (!this.#authorized(req.headers.authorization)) {
      send(401, envelope('User Not Authenticated', 'Required to provide Auth information'))

      return
    }

    const result = this.#table(method, url, body, fault?.kind === 'invalid-query')
    if (fault?.kind === 'delay-after-create') {
      await sleep(fault.ms)
      if (!res.destroyed) send(result.status, result.body)

      return
    }
    if (fault?.kind === 'reset-after-commit') {
      record.status = result.status
      req.socket.destroy()

      return
    }
    if (fault?.kind === 'truncated-json') {
      record.status = result.status
      res.writeHead(result.status, {
        'content-type': 'application/json;charset=UTF-8',
        'content-length': String(Buffer.byteLength(result.body)),
      })
      res.write(result.body.slice(0, Math.floor(result.body.length / 2)))
      setTimeout(() => req.socket.destroy(), 5)

      return
    }
    send(result.status, result.body, result.headers)
  }

  /** Scripting over HTTP, for demos and tests that run alims in another process. */
  #control(
    method: string,
    path: string,
    body: string,
    send: (status: number, text: string) => void,
  ): void {
    if (path === '/_fake/faults' && method === 'POST') {
      const rule = parseJson(body) as FaultRule | null
      if (rule === null) {
        send(400, envelope('Invalid fault', 'expected {fault, method?, times?}'))

        return
      }
      this.#faults.push(rule)
      send(204, '')
    } else if (path === '/_fake/faults' && method === 'DELETE') {
      this.clearFaults()
      send(204, '')
    } else if (path === '/_fake/incidents' && method === 'GET') {
      const notes = Object.fromEntries(this.workNotes)
      send(200, JSON.stringify({ incidents: this.incidents(), workNotes: notes }))
    } else {
      send(404, envelope('No such control', path))
    }
  }

  #authorized(header: string | undefined): boolean {
    if (header === undefined) return false
    if (header.startsWith('Bearer ')) return this.#tokens.get(header.slice(7)) === 'access'
    if (!header.startsWith('Basic ')) return false

    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8')

    return decoded === `${this.#options.user}:${this.#options.password}`
  }

  #token(form: URLSearchParams, send: (status: number, text: string) => void): void {
    const oauth = this.#options.oauth
    const clientOk =
      oauth !== undefined &&
      form.get('client_id') === oauth.clientId &&
      form.get('client_secret') === oauth.clientSecret
    const grant = form.get('grant_type')
    const ok =
      clientOk &&
      ((grant === 'password' &&
        form.get('username') === this.#options.user &&
        form.get('password') === this.#options.password) ||
        (grant === 'refresh_token' &&
          this.#tokens.get(form.get('refresh_token') ?? '') === 'refresh'))
    if (!ok) {
      send(401, JSON.stringify({ error_description: 'access_denied', error: 'server_error' }))

      return
    }

    const access = randomBytes(24).toString('base64url')
    const refresh = randomBytes(24).toString('base64url')
    this.#tokens.set(access, 'access')
    this.#tokens.set(refresh, 'refresh')
    send(
      200,
      JSON.stringify({
        access_token: access,
        refresh_token: refresh,
        scope: 'useraccount',
        token_type: 'Bearer',
        expires_in: 1799,
      }),
    )
  }

  #table(
    method: string,
    url: URL,
    body: string,
    ignoreQuery: boolean,
  ): { status: number; body: string; headers?: Record<string, string> } {
    const [, , , , name = '', sysId] = url.pathname.split('/')
    const rows = this.#tables.get(name)
    if (rows === undefined) {
      return { status: 400, body: envelope(`Invalid table ${name}`, null) }
    }

    const params = url.searchParams
    if (method === 'GET') {
      if (sysId !== undefined) {
        const row = rows.find((r) => r.sys_id === sysId)

        return row === undefined
          ? notFound()
          : { status: 200, body: JSON.stringify({ result: this.#render(name, row, params) }) }
      }

      const query = ignoreQuery ? '' : (params.get('sysparm_query') ?? '')
      const filtered = rows.filter((row) => matchQuery(name, row, query)?.matches ?? true)
      const offset = Number(params.get('sysparm_offset') ?? '0')
      const limit = Number(params.get('sysparm_limit') ?? '10000')
      const page = filtered.slice(offset, offset + limit)

      return {
        status: 200,
        body: JSON.stringify({ result: page.map((row) => this.#render(name, row, params)) }),
        headers: { 'x-total-count': String(filtered.length) },
      }
    }

    const input = parseJson(body)
    if (input === null) {
      return { status: 400, body: envelope('Exception while reading request', 'Invalid JSON') }
    }
    if (name !== 'incident') return { status: 403, body: envelope('Operation Failed', 'ACL') }

    const display = params.get('sysparm_input_display_value') === 'true'
    if (method === 'POST' && sysId === undefined) {
      const row = this.#createIncident(input, display)

      return { status: 201, body: JSON.stringify({ result: this.#render(name, row, params) }) }
    }
    if (method === 'PATCH' && sysId !== undefined) {
      const row = rows.find((r) => r.sys_id === sysId)
      if (row === undefined) return notFound()

      this.#update(row, input, display)

      return { status: 200, body: JSON.stringify({ result: this.#render(name, row, params) }) }
    }

    return { status: 405, body: envelope('Method not supported', method) }
  }

  #createIncident(input: Record<string, unknown>, display: boolean): SnowRecord {
    this.#counter += 1
    const now = glideTime(Date.now())
    const row: SnowRecord = {
      sys_id: newSysId(),
      number: `INC${String(this.#counter).padStart(7, '0')}`,
      short_description: '',
      description: '',
      impact: '3',
      urgency: '3',
      state: '1',
      active: 'true',
      correlation_id: '',
      correlation_display: '',
      caller_id: '',
      assignment_group: '',
      category: 'inquiry',
      cmdb_ci: '',
      opened_by: this.#tables.get('sys_user')?.[0]?.sys_id ?? '',
      close_code: '',
      close_notes: '',
      work_notes: '',
      sys_created_on: now,
      sys_updated_on: now,
    }
    this.#update(row, input, display)
    this.#tables.get('incident')?.push(row)

    return row
  }

  #update(row: SnowRecord, input: Record<string, unknown>, display: boolean): void {
    for (const [field, raw] of Object.entries(input)) {
      const value = typeof raw === 'string' ? raw : JSON.stringify(raw)
      if (field === 'work_notes') {
        const notes = this.workNotes.get(row.sys_id ?? '') ?? []
        notes.push(value)
        this.workNotes.set(row.sys_id ?? '', notes)
        this.#tables.get('sys_journal_field')?.push({
          sys_id: newSysId(),
          element_id: row.sys_id ?? '',
          element: 'work_notes',
          name: 'incident',
          value,
          sys_created_on: glideTime(Date.now()),
        })
      } else if (field === 'sys_id' || field === 'number' || field === 'priority') {
        continue
      } else if (field in REFERENCES) {
        row[field] = display ? this.#resolveName(REFERENCES[field] ?? '', value) : value
      } else if (field in row) {
        row[field] = value
      }
    }
    row.priority = derivePriority(row.impact ?? '3', row.urgency ?? '3')
    row.active = ['6', '7', '8'].includes(row.state ?? '1') ? 'false' : 'true'
    row.sys_updated_on = glideTime(Date.now())
  }

  #resolveName(table: string, value: string): string {
    const rows = this.#tables.get(table) ?? []
    const found = rows.find((r) => r.sys_id === value || r.name === value || r.user_name === value)

    return found?.sys_id ?? ''
  }

  #render(table: string, row: SnowRecord, params: URLSearchParams): Record<string, unknown> {
    const fields = params.get('sysparm_fields')?.split(',') ?? Object.keys(row)
    const out: Record<string, unknown> = {}
    for (const field of fields) {
      const value = row[field] ?? ''
      const target = table === 'incident' ? REFERENCES[field] : undefined
      out[field] =
        target !== undefined && value !== ''
          ? { link: `${this.url}/api/now/table/${target}/${value}`, value }
          : value
    }

    return out
  }
}

function notFound(): { status: number; body: string } {
  return {
    status: 404,
    body: envelope('No Record found', "Record doesn't exist or ACL restricts the record retrieval"),
  }
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text)

    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)

  return Buffer.concat(chunks).toString('utf8')
}

async function sleep(ms: number): Promise<void> {
  await new Promise((done) => setTimeout(done, ms))
}
