import { pino, type Logger, type LoggerOptions } from 'pino'

export type { Logger } from 'pino'

/**
 * Paths that never reach a log line. Log text is untrusted and secrets are secrets:
 * components log paths, offsets, lengths and reasons instead of raw content.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'sessionSecret',
  '*.sessionSecret',
  'cookie',
  '*.cookie',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'smtp.password',
  'snow.pass',
  'databaseUrl',
  '*.databaseUrl',
]

export interface LoggerSettings {
  level?: string
  name?: string
  /** Where lines go; defaults to stdout. Tests pass a stream to capture them. */
  destination?: NodeJS.WritableStream
}

/** Creates the process's root pino logger; components take `logger.child({ component })`. */
export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { pid: process.pid, ...(settings.name === undefined ? {} : { name: settings.name }) },
    timestamp: pino.stdTimeFunctions.isoTime,
  }

  return settings.destination === undefined
    ? pino(options)
    : pino(options, settings.destination as pino.DestinationStream)
}

/** Removes the password from a connection URL so it can be logged or shown. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'

    return parsed.toString()
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')
  }
}
