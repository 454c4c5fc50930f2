import type { Level } from '../../event.js'
import type { LineFormat } from '../format.js'
import { levelOfValue } from '../level.js'
import { parseTimeValue } from '../timestamp.js'

/** Keys (with their `=`) whose value is a record's level. */
export const LOGFMT_LEVEL_KEYS: readonly string[] = ['level=', 'lvl=', 'severity=', 'at=']
const TIME_KEYS = ['ts', 'time', 'timestamp', 't', '@timestamp']
const MESSAGE_KEYS = ['msg', 'message', 'desc']
const SERVICE_KEYS = ['service', 'app', 'application', 'job_id', 'source', 'logger', 'component']

// Characters a logfmt key may hold: letters, digits, `_ . - @`.
const KEY_CHARS = new Uint8Array(128)
for (let code = 0; code < 128; code++) {
  const char = String.fromCharCode(code)
  if (/[A-Za-z0-9_.@-]/.test(char)) KEY_CHARS[code] = 1
}

function isKeyChar(code: number): boolean {
  return code < 128 && KEY_CHARS[code] === 1
}

// The value of `key` (`level=`) when it stands at the start or after a space, or undefined.
function valueOf(line: string, key: string): string | undefined {
  let at = line.indexOf(key)
  while (at !== -1) {
    if (at === 0 || line.charCodeAt(at - 1) === 32) {
      const start = at + key.length
      if (line.charCodeAt(start) === 34) {
        const close = line.indexOf('"', start + 1)

        return close === -1 ? undefined : line.slice(start + 1, close)
      }
      const space = line.indexOf(' ', start)

      return line.slice(start, space === -1 ? line.length : space)
    }
    at = line.indexOf(key, at + 1)
  }

  return undefined
}

/** Splits `a=1 b="two words" c` into fields; a bare key is `true`, quotes are unescaped. */
export function parsePairs(line: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  const n = line.length
  let i = 0
  while (i < n) {
    while (i < n && line.charCodeAt(i) === 32) i++
    const start = i
    while (i < n && line.charCodeAt(i) !== 61 && line.charCodeAt(i) !== 32) i++
    const key = line.slice(start, i)
    if (line.charCodeAt(i) !== 61) {
      if (key !== '') fields[key] = true
      continue
    }

    i++
    if (line.charCodeAt(i) === 34) {
      i++
      // Most quoted values hold no escape: one slice instead of a string built by the char.
      const close = line.indexOf('"', i)
      const stop = close === -1 ? n : close
      let plain = i
      while (plain < stop && line.charCodeAt(plain) !== 92) plain++
      if (plain === stop) {
        if (key !== '') fields[key] = line.slice(i, stop)
        i = stop + 1
        continue
      }

      let value = ''
      while (i < n && line.charCodeAt(i) !== 34) {
        if (line.charCodeAt(i) === 92 && i + 1 < n) {
          const next = line.charAt(i + 1)
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next
          i += 2
          continue
        }
        value += line.charAt(i)
        i++
      }
      i++
      if (key !== '') fields[key] = value
      continue
    }

    const valueStart = i
    while (i < n && line.charCodeAt(i) !== 32) i++
    if (key !== '') fields[key] = line.slice(valueStart, i)
  }

  return fields
}

function first(fields: Record<string, unknown>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = fields[key]
    if (typeof value === 'string' && value !== '') return value
  }

  return null
}

/** logfmt (`ts=… level=warn msg="…" key=value`), as written by Go, Heroku and Grafana tools. */
export const logfmtFormat: LineFormat = {
  name: 'logfmt',
  scan(line): Level | undefined {
    let i = 0
    while (i < line.length && isKeyChar(line.charCodeAt(i))) i++
    if (i === 0 || line.charCodeAt(i) !== 61 || line.indexOf('=', i + 1) === -1) return undefined

    for (const key of LOGFMT_LEVEL_KEYS) {
      const value = valueOf(line, key)
      if (value !== undefined) return levelOfValue(value) ?? 'info'
    }

    return 'info'
  },
  parse(line, _now) {
    const fields = parsePairs(line)

    return {
      timestamp: parseTimeValue(first(fields, TIME_KEYS) ?? undefined),
      message: first(fields, MESSAGE_KEYS) ?? line,
      service: first(fields, SERVICE_KEYS),
      fields,
    }
  },
}
