import type { Level } from '../../event.js'
import type { LineFormat, ParsedLine } from '../format.js'
import { findLevelWord, foundWord } from '../level.js'

import { prefixTime, scanPrefix } from './layout-prefix.js'
import { nginxErrorFormat } from './nginx-error.js'

// How far after the time the level may stand: `2024-… ERROR 4242 --- [ main] …` fits.
const LEVEL_WINDOW = 60
const LOGGER = /^(?:in )?([A-Za-z_$][\w$.@<>/-]{0,119}?)\s*(?: - |: | : | \| )/
const SEPARATORS = new Set(['-', '--', '---', '|', ':'])

/** The level word near the start of a line after its time: capitals first, then any case. */
export function levelAfter(line: string, from: number): Level | null {
  return findLevelWord(line, from, LEVEL_WINDOW)
}

interface Parts {
  thread: string | null
  logger: string | null
  pid: number | null
}

// True when what stands between the time and the level is layout (threads, pids, a logger
// followed by a separator) rather than the message: then the message starts after the level.
function readBefore(segment: string, parts: Parts): boolean {
  const tokens = segment.match(/\[[^\]]*\]|\S+/g) ?? []
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k] ?? ''
    if (token.startsWith('[')) parts.thread = token.slice(1, -1).trim()
    else if (/^\d+$/.test(token)) parts.pid = Number(token)
    else if (SEPARATORS.has(token)) continue
    else if (/^[\w$.@<>/-]+$/.test(token) && SEPARATORS.has(tokens[k + 1] ?? '')) {
      parts.logger = token
    } else return false
  }

  return true
}

// Skips `]`, `:` and `>` closing the level, then pids, `---` and `[thread]` groups.
function skipAfterLevel(line: string, from: number, parts: Parts): number {
  let i = from
  while (i < line.length && ':]>)'.includes(line.charAt(i))) i++
  for (;;) {
    while (line.charCodeAt(i) === 32) i++
    const code = line.charCodeAt(i)
    if (code === 91) {
      const close = line.indexOf(']', i)
      if (close === -1) return i
      parts.thread = line.slice(i + 1, close).trim()
      i = close + 1
      continue
    }

    const space = line.indexOf(' ', i)
    const token = line.slice(i, space === -1 ? line.length : space)
    if (/^\d+$/.test(token) && space !== -1) parts.pid ??= Number(token)
    else if (!SEPARATORS.has(token) || (token === '-' && parts.logger === null)) return i
    if (space === -1) return line.length
    i = space + 1
    if (token === '-' || token === '|') return i
  }
}

// zap's console encoder: `LEVEL\tcaller\tmessage\t{"json":"fields"}`.
function tabbed(rest: string, fields: Record<string, unknown>): string {
  const parts = rest.split('\t')
  if (parts.length > 1 && /^[\w./-]+:\d+$/.test(parts[0] ?? '')) fields.caller = parts.shift()
  const last = parts[parts.length - 1]
  if (parts.length > 1 && last?.startsWith('{') === true) {
    try {
      const extra: unknown = JSON.parse(last)
      if (typeof extra === 'object' && extra !== null) Object.assign(fields, extra)
      parts.pop()
    } catch {
      // Not JSON after all: it stays part of the message.
    }
  }

  return parts.join('\t')
}

/**
 * The common `time level [thread] logger - message` layouts: log4j/logback, Spring Boot, Python
 * logging, Go (zap console, the standard logger), Node (winston/pino pretty). The level is the
 * first level word close after the time; the logger, when the layout has one, is the service.
 */
export const layoutFormat: LineFormat = {
  name: 'layout',
  scan(line) {
    const prefix = scanPrefix(line)
    if (prefix === null) return undefined
    // nginx's error log also opens with `YYYY/MM/DD hh:mm:ss`; it has a format of its own.
    if (line.charCodeAt(20) === 91 && nginxErrorFormat.scan(line) !== undefined) return undefined

    return levelAfter(line, prefix.end) ?? 'info'
  },
  parse(line, now): ParsedLine | null {
    const prefix = scanPrefix(line)
    if (prefix === null) return null

    const timestamp = prefixTime(line, prefix, now)
    const fields: Record<string, unknown> = {}
    const parts: Parts = { thread: null, logger: null, pid: null }
    let message = line.slice(prefix.end).trimStart()
    if (levelAfter(line, prefix.end) !== null) {
      const start = foundWord.start
      const structural = readBefore(line.slice(prefix.end, start).replace(/\[$/, ''), parts)
      if (structural) {
        let rest = line.slice(skipAfterLevel(line, foundWord.end, parts))
        if (rest.startsWith('\t') || line.charCodeAt(foundWord.end) === 9) {
          rest = tabbed(rest.trimStart(), fields)
        } else if (parts.logger === null) {
          const logger = LOGGER.exec(rest)
          if (logger !== null) {
            parts.logger = logger[1] ?? null
            rest = rest.slice(logger[0].length)
          }
        }
        message = rest.replace(/^[:\-| ]+ ?/, '')
      }
    }
    if (parts.thread !== null) fields.thread = parts.thread
    if (parts.logger !== null) fields.logger = parts.logger
    if (parts.pid !== null) fields.pid = parts.pid

    return { timestamp, message, service: parts.logger, fields }
  },
}
