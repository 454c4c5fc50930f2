import type { LogEvent } from '../event.js'
import { stripPrefix } from './strip-prefix.js'

// Keys that hold the message in JSON logs of the common libraries (pino, bunyan, zap, logrus,
// structlog, GELF, Docker's json-file).
const MESSAGE_KEYS = [
  'msg',
  'message',
  'MESSAGE',
  'short_message',
  'log',
  'text',
  'event',
  'error',
  'err',
]
const LOGFMT_MESSAGE = /(?:^|\s)(?:msg|message)=("(?:[^"\\]|\\.)*"|\S+)/
const LOGFMT_START = /^[A-Za-z_][\w.-]*=/
const MAX_JSON_LINE = 64 * 1024

function firstLine(text: string): string {
  const newline = text.indexOf('\n')

  return newline === -1 ? text : text.slice(0, newline)
}

function fromJson(line: string): string | null {
  if (line.length > MAX_JSON_LINE || !line.endsWith('}')) return null

  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return null
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null

  const record = value as Record<string, unknown>
  for (const key of MESSAGE_KEYS) {
    const message = record[key]
    if (typeof message === 'string' && message.trim() !== '') return message
  }

  return null
}

function fromLogfmt(line: string): string | null {
  // Only a line that is key=value pairs from its start is logfmt; prose may contain `message=`.
  if (!LOGFMT_START.test(line)) return null

  const match = LOGFMT_MESSAGE.exec(line)
  const value = match?.[1]
  if (value === undefined) return null
  if (!value.startsWith('"')) return value

  try {
    return JSON.parse(value) as string
  } catch {
    return value.slice(1, -1)
  }
}

/**
 * The text an event's template is made from: the parsed message when a parser found one,
 * else the message inside a raw JSON or logfmt line, else the raw first line; in every case
 * without a leading time stamp or level.
 */
export function messageText(event: LogEvent): string {
  const parsed = event.message !== '' && event.message !== event.raw
  const line = firstLine(parsed ? event.message : event.raw !== '' ? event.raw : event.message)
  if (parsed) return stripPrefix(line)

  const trimmed = line.trim()
  const extracted = trimmed.startsWith('{') ? fromJson(trimmed) : fromLogfmt(trimmed)

  return stripPrefix(extracted === null ? trimmed : firstLine(extracted))
}
