import type { LineFormat } from '../format.js'
import { scanIsoLike } from '../timestamp.js'

import { facilityOf, levelOfPriority, scanPriority } from './syslog-priority.js'

// Reads `a="1" b="x \"y\""` in one pass (no regex: a hostile line must not backtrack).
function params(body: string, from: number): Record<string, string> {
  const result: Record<string, string> = {}
  let i = from
  while (i < body.length) {
    while (body.charCodeAt(i) === 32) i++
    const eq = body.indexOf('="', i)
    if (eq === -1) break

    let value = ''
    let j = eq + 2
    while (j < body.length && body.charCodeAt(j) !== 34) {
      if (body.charCodeAt(j) === 92 && j + 1 < body.length) j++
      value += body.charAt(j)
      j++
    }
    result[body.slice(i, eq)] = value
    i = j + 1
  }

  return result
}

// Splits `[id a="1" b="2"][id2 c="3"]` into {id: {a, b}, id2: {c}}; returns the index after it.
function structuredData(line: string, at: number, into: Record<string, unknown>): number {
  let i = at
  while (line.charCodeAt(i) === 91) {
    const close = closingBracket(line, i)
    if (close === -1) return line.length

    const body = line.slice(i + 1, close)
    const space = body.indexOf(' ')
    into[space === -1 ? body : body.slice(0, space)] = space === -1 ? {} : params(body, space + 1)
    i = close + 1
  }

  return i
}

function closingBracket(line: string, open: number): number {
  for (let i = open + 1; i < line.length; i++) {
    const code = line.charCodeAt(i)
    if (code === 92) i++
    else if (code === 93) return i
  }

  return -1
}

const nil = (value: string | undefined): string | null =>
  value === undefined || value === '-' ? null : value

/** RFC 5424 syslog: `<165>1 2024-12-03T13:58:26.003Z host app 1234 ID47 [sd] message`. */
export const syslog5424Format: LineFormat = {
  name: 'syslog5424',
  scan(line) {
    const pri = scanPriority(line)
    if (pri === null) return undefined

    const version = line.charCodeAt(pri.end)
    if (version < 49 || version > 57 || line.charCodeAt(pri.end + 1) !== 32) return undefined

    return levelOfPriority(pri.priority)
  },
  parse(line) {
    const pri = scanPriority(line)
    if (pri === null) return null

    const parts: string[] = []
    let at = pri.end + 2
    for (let k = 0; k < 5; k++) {
      const space = line.indexOf(' ', at)
      parts.push(line.slice(at, space === -1 ? line.length : space))
      at = space === -1 ? line.length : space + 1
    }
    const [time, host, app, procid, msgid] = parts
    const fields: Record<string, unknown> = {
      priority: pri.priority,
      facility: facilityOf(pri.priority),
      host: nil(host),
      appName: nil(app),
      procId: nil(procid),
      msgId: nil(msgid),
    }
    const structured: Record<string, unknown> = {}
    const after = line.charCodeAt(at) === 45 ? at + 1 : structuredData(line, at, structured)
    if (Object.keys(structured).length > 0) fields.structuredData = structured
    let message = line.slice(after).trimStart()
    if (message.charCodeAt(0) === 0xfeff) message = message.slice(1)

    return {
      timestamp: time === undefined || time === '-' ? NaN : scanIsoLike(time, 0),
      message,
      service: nil(app),
      fields,
    }
  },
}
