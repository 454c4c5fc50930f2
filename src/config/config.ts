import { readFileSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'

import { parse as parseDotenv } from 'dotenv'

import { AppError } from '../errors/app-error.js'

export type SmtpSecurity = 'starttls' | 'starttls-required' | 'tls' | 'none'
export type StartPosition = 'start' | 'end'

export interface SmtpConfig {
  host: string
  port: number
  user: string | null
  password: string | null
  from: string
  secure: SmtpSecurity
  /** Connections kept open to the server and shared by the emails of a tick (1–50). */
  maxConnections?: number
  /** PEM text of extra trusted CA certificates (SMTP_CA_FILE); TLS is always verified. */
  ca?: string | null
}

export type TicketSeverity = 'HIGH' | 'MEDIUM' | 'LOW'

/** Optional OAuth password grant against `/oauth_token.do` instead of basic auth. */
export interface ServiceNowOAuth {
  clientId: string
  clientSecret: string
}

export interface ServiceNowConfig {
  /** Base URL without a trailing slash, e.g. https://acme.service-now.com */
  baseUrl: string
  user: string
  password: string
  oauth: ServiceNowOAuth | null
  /** PEM text of extra trusted CA certificates (SNOW_CA_FILE); TLS is always verified. */
  ca: string | null
  /** Connect and whole-request timeouts, milliseconds. */
  connectTimeoutMs: number
  timeoutMs: number
  /** Lowest incident severity that opens a ticket (ALIMS_TICKET_MIN_SEVERITY). */
  minSeverity: TicketSeverity
  /** At most one work note per ticket per this many milliseconds. */
  noteIntervalMs: number
  /** Resolve the ticket (state 6) when the incident is resolved in alims. */
  resolveTickets: boolean
  closeCode: string
  closeNotes: string
  /** Optional ticket fields, names or sys_ids (sent with sysparm_input_display_value=true). */
  callerId: string | null
  assignmentGroup: string | null
  category: string | null
  cmdbCi: string | null
  /** Outbox rows sent at the same time by one worker. */
  concurrency: number
}

/** A deprecation or other notice found while reading the configuration, logged once at start. */
export interface ConfigNotice {
  code: string
  message: string
}

/** The whole configuration of a process: read once, validated, frozen. */
export interface Config {
  cwd: string
  databaseUrl: string
  dataDir: string
  logPaths: readonly string[]
  rulesPath: string | null
  host: string
  port: number
  publicUrl: string
  sessionSecret: string | null
  adminPassword: string | null
  smtp: SmtpConfig | null
  serviceNow: ServiceNowConfig | null
  logLevel: string
  maxLineBytes: number
  /**
   * Which proxies may set X-Forwarded-For (ALIMS_TRUST_PROXY): false, a hop count, or a list
   * of addresses and CIDR ranges. Decides the client address used by login throttling and logs.
   */
  trustProxy: false | number | readonly string[]
  /** API requests one client address may send a minute (ALIMS_API_RATE_LIMIT); 0: no cap. */
  apiRateLimit: number
  /** Idle ms before a line without a newline is handed on as partial (ALIMS_PARTIAL_LINE_MS). */
  partialLineMs: number
  startAt: StartPosition
  /** Where the worker serves /metrics and /healthz (ALIMS_WORKER_METRICS_*), or null: nowhere. */
  workerMetrics: { host: string; port: number } | null
  notices: readonly ConfigNotice[]
}

export type Env = Readonly<Record<string, string | undefined>>

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']

function invalid(key: string, expected: string, value: string): never {
  throw new AppError('CONFIG_INVALID', `${key} must be ${expected}, got ${JSON.stringify(value)}`, {
    field: key,
  })
}

function integer(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key]
  if (raw === undefined || raw.trim() === '') return fallback

  const value = Number(raw.trim())
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    invalid(key, `an integer ${min}-${max}`, raw)
  }

  return value
}

function oneOf<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: T): T {
  const raw = env[key]
  if (raw === undefined || raw.trim() === '') return fallback

  const value = raw.trim().toLowerCase()
  if (!allowed.includes(value as T)) invalid(key, `one of ${allowed.join(', ')}`, raw)

  return value as T
}

function text(env: Env, key: string): string | null {
  const raw = env[key]

  return raw === undefined || raw.trim() === '' ? null : raw.trim()
}

/** Reads a `.env` file; variables already in the environment win over it. */
export function readDotenv(cwd: string): Record<string, string> {
  try {
    return parseDotenv(readFileSync(join(cwd, '.env')))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
}

function databaseUrl(env: Env): string {
  const url = text(env, 'DATABASE_URL') ?? 'sqlite:./data/alims.db'
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(url)) {
    invalid('DATABASE_URL', 'sqlite:PATH or postgres://user:pass@host:5432/db', url)
  }

  return url
}

function logPaths(env: Env, notices: ConfigNotice[]): string[] {
  const paths = text(env, 'ALIMS_LOG_PATHS')
  if (paths !== null) {
    return paths
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')
  }

  const dir = text(env, 'LOG_DIR')
  const file = text(env, 'LOG_FILENAME')
  if (dir !== null || file !== null) {
    notices.push({
      code: 'ALIMS_DEP001',
      message:
        'LOG_DIR and LOG_FILENAME are deprecated: set ALIMS_LOG_PATHS to a comma-separated list of globs',
    })

    return [join(dir ?? './logs', file ?? '**/*.log')]
  }

  return ['./logs/**/*.log']
}

function sessionSecret(env: Env, notices: ConfigNotice[]): string | null {
  const secret = text(env, 'SESSION_SECRET')
  if (secret !== null) return secret

  const alias = text(env, 'FLASK_SECRET_KEY')
  if (alias !== null) {
    notices.push({
      code: 'ALIMS_DEP002',
      message: 'FLASK_SECRET_KEY is deprecated: rename it to SESSION_SECRET',
    })
  }

  return alias
}

function smtp(env: Env): SmtpConfig | null {
  const host = text(env, 'SMTP_HOST')
  const secure = oneOf<SmtpSecurity>(
    env,
    'SMTP_SECURE',
    ['starttls', 'starttls-required', 'tls', 'none'],
    'starttls',
  )
  if (host === null) return null

  const port = integer(env, 'SMTP_PORT', secure === 'tls' ? 465 : 587, 1, 65535)
  const from = text(env, 'SMTP_FROM') ?? `alims@${host}`
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(from) && !/<[^\s@<>]+@[^\s@<>]+>$/.test(from)) {
    invalid('SMTP_FROM', 'an email address such as alims@example.com', from)
  }

  return {
    host,
    port,
    user: text(env, 'SMTP_USER'),
    password: env.SMTP_PASSWORD ?? null,
    from,
    secure,
    maxConnections: integer(env, 'SMTP_MAX_CONNECTIONS', 5, 1, 50),
    ca: caCertificates(env, 'SMTP_CA_FILE'),
  }
}

function serviceNow(env: Env): ServiceNowConfig | null {
  const instance = text(env, 'SNOW_INSTANCE')
  if (instance === null) return null

  const user = text(env, 'SNOW_USER')
  const password = env.SNOW_PASS ?? env.SNOW_PASSWORD ?? null
  if (user === null) invalid('SNOW_USER', 'set when SNOW_INSTANCE is set', '')
  if (password === null || password === '')
    invalid('SNOW_PASS', 'set when SNOW_INSTANCE is set', '')

  let baseUrl: string
  if (/^https?:\/\//.test(instance)) {
    try {
      baseUrl = new URL(instance).toString().replace(/\/+$/, '')
    } catch {
      invalid(
        'SNOW_INSTANCE',
        'an instance name (acme) or a base URL (https://acme.service-now.com)',
        instance,
      )
    }
  } else if (/^[a-z0-9][a-z0-9-]*$/i.test(instance)) {
    baseUrl = `https://${instance}.service-now.com`
  } else {
    invalid(
      'SNOW_INSTANCE',
      'an instance name (acme) or a base URL (https://acme.service-now.com)',
      instance,
    )
  }

  return { baseUrl, user, password, ...serviceNowOptions(env) }
}

function flag(env: Env, key: string, fallback: boolean): boolean {
  const raw = text(env, key)
  if (raw === null) return fallback
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false

  return invalid(key, 'true or false', raw)
}

/** The PEM text of the CA file named by `key`, checked once at start; null when unset. */
function caCertificates(env: Env, key: string): string | null {
  const file = text(env, key)
  if (file === null) return null

  let pem = ''
  try {
    pem = readFileSync(resolve(file), 'utf8')
  } catch {
    invalid(key, 'a readable PEM file', file)
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) invalid(key, 'a PEM file', file)

  return pem
}

function serviceNowOptions(env: Env): Omit<ServiceNowConfig, 'baseUrl' | 'user' | 'password'> {
  const clientId = text(env, 'SNOW_CLIENT_ID')
  const clientSecret = env.SNOW_CLIENT_SECRET ?? null
  if (clientId !== null && (clientSecret === null || clientSecret === '')) {
    invalid('SNOW_CLIENT_SECRET', 'set when SNOW_CLIENT_ID is set', '')
  }

  return {
    oauth: clientId === null ? null : { clientId, clientSecret: clientSecret ?? '' },
    ca: caCertificates(env, 'SNOW_CA_FILE'),
    connectTimeoutMs: integer(env, 'SNOW_CONNECT_TIMEOUT_MS', 10_000, 100, 120_000),
    timeoutMs: integer(env, 'SNOW_TIMEOUT_MS', 30_000, 100, 600_000),
    minSeverity: oneOf(
      env,
      'ALIMS_TICKET_MIN_SEVERITY',
      ['high', 'medium', 'low'],
      'medium',
    ).toUpperCase() as TicketSeverity,
    noteIntervalMs: integer(env, 'ALIMS_TICKET_NOTE_INTERVAL_MINUTES', 60, 0, 10_080) * 60_000,
    resolveTickets: flag(env, 'ALIMS_TICKET_RESOLVE', false),
    closeCode: text(env, 'SNOW_CLOSE_CODE') ?? 'Solved (Permanently)',
    closeNotes: text(env, 'SNOW_CLOSE_NOTES') ?? 'Resolved in alims: the error stopped recurring.',
    callerId: text(env, 'SNOW_CALLER_ID'),
    assignmentGroup: text(env, 'SNOW_ASSIGNMENT_GROUP'),
    category: text(env, 'SNOW_CATEGORY'),
    cmdbCi: text(env, 'SNOW_CMDB_CI'),
    concurrency: integer(env, 'ALIMS_TICKET_CONCURRENCY', 4, 1, 64),
  }
}

function publicUrl(env: Env, host: string, port: number): string {
  const raw = text(env, 'ALIMS_PUBLIC_URL')
  if (raw === null) return `http://${host.includes(':') ? `[${host}]` : host}:${port}`

  try {
    const url = new URL(raw)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol')

    return url.toString().replace(/\/+$/, '')
  } catch {
    invalid('ALIMS_PUBLIC_URL', 'an http or https URL', raw)
  }
}

function trustProxy(env: Env): false | number | readonly string[] {
  const raw = text(env, 'ALIMS_TRUST_PROXY')
  if (raw === null || raw === 'false') return false
  if (/^\d+$/.test(raw)) return integer(env, 'ALIMS_TRUST_PROXY', 0, 1, 10)

  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')
  const address = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]+)(\/\d{1,3})?$/i
  if (entries.length === 0 || !entries.every((e) => address.test(e))) {
    invalid(
      'ALIMS_TRUST_PROXY',
      'a hop count (1-10) or comma-separated proxy addresses or CIDR ranges',
      raw,
    )
  }

  return Object.freeze(entries)
}

/**
 * Builds the configuration from the environment and a `.env` file in `cwd`.
 * Throws AppError CONFIG_INVALID naming the variable and what was expected.
 */
export function loadConfig(processEnv: Env = process.env, cwd = process.cwd()): Config {
  const env: Env = { ...readDotenv(cwd), ...processEnv }
  const notices: ConfigNotice[] = []
  const host = text(env, 'HOST') ?? '127.0.0.1'
  const port = integer(env, 'PORT', 8080, 1, 65535)
  const dataDir = text(env, 'ALIMS_DATA_DIR') ?? './data'
  const level = (text(env, 'ALIMS_LOG_LEVEL') ?? text(env, 'LOG_LEVEL') ?? 'info').toLowerCase()
  if (!LOG_LEVELS.includes(level))
    invalid('ALIMS_LOG_LEVEL', `one of ${LOG_LEVELS.join(', ')}`, level)

  const rules = text(env, 'ALIMS_RULES')

  const config: Config = {
    cwd,
    databaseUrl: databaseUrl(env),
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir),
    logPaths: logPaths(env, notices),
    rulesPath: rules === null ? null : resolve(cwd, rules),
    host,
    port,
    publicUrl: publicUrl(env, host, port),
    sessionSecret: sessionSecret(env, notices),
    adminPassword: text(env, 'ALIMS_ADMIN_PASSWORD'),
    smtp: smtp(env),
    serviceNow: serviceNow(env),
    logLevel: level,
    maxLineBytes: integer(env, 'ALIMS_MAX_LINE_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    partialLineMs: integer(env, 'ALIMS_PARTIAL_LINE_MS', 5000, 100, 3_600_000),
    trustProxy: trustProxy(env),
    apiRateLimit: integer(env, 'ALIMS_API_RATE_LIMIT', 1200, 0, 1_000_000),
    startAt: oneOf<StartPosition>(env, 'ALIMS_START_AT', ['start', 'end'], 'start'),
    workerMetrics:
      text(env, 'ALIMS_WORKER_METRICS_PORT') === null
        ? null
        : {
            host: text(env, 'ALIMS_WORKER_METRICS_HOST') ?? '127.0.0.1',
            port: integer(env, 'ALIMS_WORKER_METRICS_PORT', 9465, 1, 65535),
          },
    notices,
  }

  return Object.freeze(config)
}
