import type { LineFormat, ParsedLine } from '../format.js'
import { findLevelWord } from '../level.js'
import { scanIsoLike, scanSyslogTime, scanned } from '../timestamp.js'

import { facilityOf, levelOfPriority, scanPriority } from './syslog-priority.js'

const MONTH_START = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d/
// `app[123]: ` or `app: ` after the host.
const TAG = /^([^\s:[\]]{1,64})(?:\[(\d+)\])?: /

function hasSyslogTime(line: string, at: number): boolean {
  return (
    line.charCodeAt(at + 3) === 32 &&
    line.charCodeAt(at + 9) === 58 &&
    MONTH_START.test(at === 0 ? line : line.slice(at, at + 15))
  )
}

// Reads `host tag[pid]: message` after the time; without a tag, the rest is the message.
function rest(line: string, at: number, fields: Record<string, unknown>): ParsedLine['message'] {
  const space = line.indexOf(' ', at)
  if (space === -1) return line.slice(at)

  fields.host = line.slice(at, space)
  const tail = line.slice(space + 1)
  const tag = TAG.exec(tail)
  if (tag === null) return tail

  fields.appName = tag[1]
  if (tag[2] !== undefined) fields.procId = tag[2]

  return tail.slice(tag[0].length)
}

/**
 * BSD syslog (RFC 3164) as sent (`<34>Oct 11 22:14:15 host app[42]: msg`) and as files hold it
 * (`Oct 11 22:14:15 host app[42]: msg`); also a bare `<3>message` prefix (systemd, kernel).
 * Without a priority the level is the first level word of the message, else info.
 */
export const syslog3164Format: LineFormat = {
  name: 'syslog3164',
  scan(line) {
    const pri = scanPriority(line)
    if (pri !== null) {
      const version = line.charCodeAt(pri.end)
      // `<165>1 ` is RFC 5424.
      if (version >= 49 && version <= 57 && line.charCodeAt(pri.end + 1) === 32) return undefined

      return levelOfPriority(pri.priority)
    }
    if (!hasSyslogTime(line, 0)) return undefined

    const colon = line.indexOf(': ', 16)

    return (colon === -1 ? null : findLevelWord(line, colon + 2, 40)) ?? 'info'
  },
  parse(line, now) {
    const pri = scanPriority(line)
    const start = pri === null ? 0 : pri.end
    const fields: Record<string, unknown> = {}
    if (pri !== null) {
      fields.priority = pri.priority
      fields.facility = facilityOf(pri.priority)
    }

    let timestamp = NaN
    let at = start
    if (hasSyslogTime(line, start)) {
      timestamp = scanSyslogTime(line, start, now)
      at = scanned.end + 1
    } else {
      const iso = scanIsoLike(line, start)
      if (!Number.isNaN(iso)) {
        timestamp = iso
        at = scanned.end + 1
      }
    }
    const message = Number.isNaN(timestamp) ? line.slice(start) : rest(line, at, fields)

    return {
      timestamp,
      message,
      service: typeof fields.appName === 'string' ? fields.appName : null,
      fields,
    }
  },
}
