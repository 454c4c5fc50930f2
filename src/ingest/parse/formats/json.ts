import type { Level } from '../../event.js'
import type { LineFormat, ParsedLine } from '../format.js'
import { findLevelWord, levelOfValue } from '../level.js'
import { parseTimeValue } from '../timestamp.js'

/** Keys whose value is a record's level. */
export const JSON_LEVEL_KEYS: ReadonlySet<string> = new Set([
  'level',
  'Level',
  'LEVEL',
  'lvl',
  'severity',
  'Severity',
  'SEVERITY',
  'log.level',
  'loglevel',
  'logLevel',
  'log_level',
  'levelname',
  'levelName',
  'level_name',
  '@l',
  '@level',
  'PRIORITY',
])
const TIME_KEYS = ['@timestamp', 'timestamp', 'time', 'ts', '@t', 'datetime', 'date', 'eventTime']
const MESSAGE_KEYS = ['msg', 'message', '@m', 'MESSAGE', 'short_message', 'full_message', 'event']
// job_id comes last: in the prototype's format `source` names the service and a job id only one run.
const SERVICE_KEYS = ['service', 'service.name', 'app', 'application', 'source', 'job_id']
const LOGGER_KEYS = ['name', 'logger', 'logger_name', 'log.logger', 'SYSLOG_IDENTIFIER']

// Index of the quote that closes the string opened at `open`, or -1.
function closingQuote(text: string, open: number): number {
  let at = text.indexOf('"', open + 1)
  while (at !== -1) {
    let slashes = 0
    while (text.charCodeAt(at - 1 - slashes) === 92) slashes++
    if (slashes % 2 === 0) return at
    at = text.indexOf('"', at + 1)
  }

  return -1
}

function skipSpaces(text: string, at: number): number {
  let i = at
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++

  return i
}

function valueAt(text: string, at: number): unknown {
  const code = text.charCodeAt(at)
  if (code === 34) {
    const close = closingQuote(text, at)

    return close === -1 ? undefined : text.slice(at + 1, close)
  }

  // Small integers (pino and bunyan levels) without slicing.
  let small = 0
  let i = at
  for (; i < at + 3; i++) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) break
    small = small * 10 + digit
  }
  const stop = text.charCodeAt(i)
  if (i > at && (stop === 44 || stop === 125 || stop === 32)) return small

  let end = at
  while (end < text.length && end - at < 24) {
    const c = text.charCodeAt(end)
    if (c === 44 || c === 125 || c === 32) break
    end++
  }
  const number = Number(text.slice(at, end))

  return end > at && Number.isFinite(number) ? number : undefined
}

/**
 * Finds the level key of a JSON object line without parsing it: walks the top level (and a
 * nested `log` object, as ECS writes it), skipping strings, and stops at the first level key.
 * Without one, Docker's `{"log":"… ERROR …\n","stream":…}` gets the level word of its text.
 */
function scanLevel(text: string): Level | null {
  let depth = 0
  let logDepth = -1
  let logText = -1
  let i = 0
  const n = text.length
  while (i < n) {
    const code = text.charCodeAt(i)
    if (code === 34) {
      const close = closingQuote(text, i)
      if (close === -1) return null

      const after = skipSpaces(text, close + 1)
      if (text.charCodeAt(after) === 58 && (depth === 1 || depth === logDepth)) {
        const key = text.slice(i + 1, close)
        const value = skipSpaces(text, after + 1)
        if (JSON_LEVEL_KEYS.has(key) || (depth === logDepth && key === 'level')) {
          return levelOfValue(valueAt(text, value))
        }
        if (key === 'log' && depth === 1) {
          const opening = text.charCodeAt(value)
          if (opening === 123) logDepth = 2
          else if (opening === 34) logText = value + 1
        }
      }
      i = close + 1
      continue
    }
    if (code === 123 || code === 91) depth++
    else if (code === 125 || code === 93) {
      if (depth === logDepth) logDepth = -1
      depth--
    }
    i++
  }

  return logText === -1 ? null : findLevelWord(text, logText, 80)
}

function first(record: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const key of keys) {
    const value = record[key]
    if (value !== undefined && value !== null && value !== '') return value
  }

  return undefined
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)

  return null
}

function serviceOf(record: Record<string, unknown>): string | null {
  const service = record.service
  if (typeof service === 'object' && service !== null && !Array.isArray(service)) {
    const name = (service as Record<string, unknown>).name
    if (typeof name === 'string' && name !== '') return name
  }

  return text(first(record, SERVICE_KEYS)) ?? text(first(record, LOGGER_KEYS))
}

function messageOf(record: Record<string, unknown>, line: string): string {
  const direct = text(first(record, MESSAGE_KEYS))
  if (direct !== null) return direct
  // Docker's json-file driver: the program's own line, with its newline.
  if (typeof record.log === 'string') return record.log.trimEnd()

  const error = record.err ?? record.error
  if (typeof error === 'string') return error
  if (typeof error === 'object' && error !== null) {
    const message = (error as Record<string, unknown>).message
    if (typeof message === 'string') return message
  }

  return line
}

/** JSON lines: pino, bunyan, winston, logstash, ECS, GELF, journald export, and the like. */
export const jsonFormat: LineFormat = {
  name: 'json',
  scan(line) {
    if (line.charCodeAt(0) !== 123) return undefined

    let last = line.length - 1
    while (line.charCodeAt(last) === 32 || line.charCodeAt(last) === 9) last--
    if (line.charCodeAt(last) !== 125) return undefined

    return scanLevel(line) ?? 'info'
  },
  parse(line): ParsedLine | null {
    let record: unknown
    try {
      record = JSON.parse(line)
    } catch {
      return null
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return null

    const fields = record as Record<string, unknown>

    return {
      timestamp: parseTimeValue(first(fields, TIME_KEYS)),
      message: messageOf(fields, line),
      service: serviceOf(fields),
      fields,
    }
  },
}
