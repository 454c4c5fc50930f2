import type { Level } from '../../event.js'
import { SYSLOG_LEVELS } from '../level.js'

/** Reads a `<PRI>` prefix (0–191); `end` is the index after `>`. Null when there is none. */
export function scanPriority(line: string): { priority: number; end: number } | null {
  if (line.charCodeAt(0) !== 60) return null

  let value = 0
  let i = 1
  while (i < 5) {
    const code = line.charCodeAt(i) - 48
    if (code < 0 || code > 9) break
    value = value * 10 + code
    i++
  }
  if (i === 1 || i === 5 || line.charCodeAt(i) !== 62 || value > 191) return null

  return { priority: value, end: i + 1 }
}

/** The level of a syslog priority: its severity (priority mod 8). */
export function levelOfPriority(priority: number): Level {
  return SYSLOG_LEVELS[priority % 8] ?? 'info'
}

const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
]

/** The facility name of a priority (`local0`…`local7` above 15). */
export function facilityOf(priority: number): string {
  const code = Math.floor(priority / 8)

  return FACILITIES[code] ?? `local${code - 16}`
}
