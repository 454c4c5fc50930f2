const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}
const DURATION = /^(?:\d{1,6}[smhdw])+$/
const PART = /(\d{1,6})([smhdw])/g
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/
/** About ten years: longer durations are surely typing mistakes. */
const MAX_DURATION = 3650 * 86_400_000

/** Parses `90s`, `15m`, `24h`, `7d`, `2w` or a sum like `1h30m` into milliseconds; null when invalid. */
export function parseDuration(text: string): number | null {
  if (!DURATION.test(text)) return null

  let total = 0
  for (const [, amount, unit] of text.matchAll(PART)) {
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0)
  }

  return total > 0 && total <= MAX_DURATION ? total : null
}

function isoTime(text: string, endOfDay: boolean): number | null {
  const m = ISO.exec(text)
  if (m === null) return null

  const [, y, mo, d, h, mi, s, ms, zone] = m
  const parts = [y, mo, d, h ?? '0', mi ?? '0', s ?? '0', (ms ?? '0').padEnd(3, '0')].map(Number)
  const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, milli = 0] = parts
  const local = Date.UTC(year, month - 1, day, hour, minute, second, milli)
  const check = new Date(local)
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1 || hour > 23 || minute > 59) {
    return null
  }
  if (second > 59) return null

  let offset = 0
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.replace(':', '')
    const sign = digits.startsWith('-') ? -1 : 1
    offset = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000
  }
  const dateOnly = h === undefined
  const at = local - offset

  return dateOnly && endOfDay ? at + 86_400_000 - 1 : at
}

/**
 * Parses a point in time: ISO 8601 (`2026-12-01`, `2026-12-01T10:00`, with `Z` or `+01:00`;
 * no zone means UTC), `now`, `now-1h`, or `-7d` (before `now`). A date alone means the start
 * of that day, or its last millisecond when `endOfDay` (for `to:`). Returns epoch ms or null.
 */
export function parseTime(text: string, now: number, endOfDay = false): number | null {
  const lower = text.toLowerCase()
  if (lower === 'now') return now

  const relative = /^(?:now)?-(.+)$/.exec(lower)
  if (relative !== null) {
    const duration = parseDuration(relative[1] ?? '')

    return duration === null ? null : now - duration
  }

  return isoTime(text, endOfDay)
}
