const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
}

/** Where the last successful scan stopped: the index just past the timestamp. */
export const scanned = { end: 0 }

function digits(text: string, at: number, count: number): number {
  let value = 0
  for (let i = at; i < at + count; i++) {
    const code = text.charCodeAt(i) - 48
    if (code < 0 || code > 9) return -1
    value = value * 10 + code
  }

  return value
}

// Times without a zone are the writing host's local time, which is almost always this host's.
function compose(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  offsetMinutes: number | null,
): number {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return NaN
  if (offsetMinutes === null) return new Date(y, mo, d, h, mi, s, ms).getTime()

  return Date.UTC(y, mo, d, h, mi, s, ms) - offsetMinutes * 60_000
}

// Reads `.123`, `,123456` at `at`; returns milliseconds and moves `scanned.end`.
function fraction(text: string, at: number): number {
  const mark = text.charCodeAt(at)
  if (mark !== 46 && mark !== 44) {
    scanned.end = at

    return 0
  }

  let i = at + 1
  let ms = 0
  let scale = 100
  while (i < text.length) {
    const code = text.charCodeAt(i) - 48
    if (code < 0 || code > 9) break
    ms += code * scale
    scale /= 10
    i++
  }
  scanned.end = i

  return Math.floor(ms)
}

// Reads `Z`, `+02:00`, `-0700`, `+02`, ` UTC`, ` GMT` at `at`; null when there is no zone.
function zone(text: string, at: number): number | null {
  const code = text.charCodeAt(at)
  if (code === 90 || code === 122) {
    scanned.end = at + 1

    return 0
  }

  if (code === 43 || code === 45) {
    const sign = code === 43 ? 1 : -1
    const hours = digits(text, at + 1, 2)
    if (hours < 0) return null
    let minutes = 0
    let end = at + 3
    if (text.charCodeAt(end) === 58) {
      minutes = digits(text, end + 1, 2)
      end += 3
    } else {
      const packed = digits(text, end, 2)
      if (packed >= 0) {
        minutes = packed
        end += 2
      }
    }
    if (minutes < 0 || hours > 14) return null
    scanned.end = end

    return sign * (hours * 60 + minutes)
  }

  if (code === 32) {
    if (text.startsWith('UTC', at + 1) || text.startsWith('GMT', at + 1)) {
      scanned.end = at + 4

      return 0
    }
    // `2024-12-03 13:58:26.123 +00:00`, as Serilog writes it.
    const sign = text.charCodeAt(at + 1)
    if ((sign === 43 || sign === 45) && digits(text, at + 2, 2) >= 0) {
      const colon = text.charCodeAt(at + 4) === 58 ? 1 : 0
      if (digits(text, at + 4 + colon, 2) >= 0) return zone(text, at + 1)
    }
  }

  return null
}

/**
 * Parses `2024-12-03T13:58:26.123Z`, `2024-12-03 13:58:26,123 +0100`, `2024/12/03 13:58:26`
 * starting at `at`: epoch ms, or NaN when there is none. `scanned.end` is set past it.
 */
export function scanIsoLike(text: string, at = 0): number {
  const y = digits(text, at, 4)
  const dash = text.charCodeAt(at + 4)
  if (y < 0 || (dash !== 45 && dash !== 47) || text.charCodeAt(at + 7) !== dash) return NaN

  const mo = digits(text, at + 5, 2)
  const d = digits(text, at + 8, 2)
  const sep = text.charCodeAt(at + 10)
  if (mo < 0 || d < 0 || (sep !== 84 && sep !== 32 && sep !== 95)) return NaN

  const h = digits(text, at + 11, 2)
  const mi = digits(text, at + 14, 2)
  const s = digits(text, at + 17, 2)
  if (h < 0 || mi < 0 || s < 0 || text.charCodeAt(at + 13) !== 58) return NaN
  if (text.charCodeAt(at + 16) !== 58) return NaN

  const ms = fraction(text, at + 19)
  const offset = zone(text, scanned.end)
  const end = scanned.end

  const value = compose(y, mo - 1, d, h, mi, s, ms, offset)
  scanned.end = end

  return value
}

/** Parses a time of day `13:58:26.123` at `at` as today's local time (logback's default). */
export function scanTimeOfDay(text: string, at: number, now: number): number {
  const h = digits(text, at, 2)
  const mi = digits(text, at + 3, 2)
  const s = digits(text, at + 6, 2)
  if (h < 0 || mi < 0 || s < 0 || text.charCodeAt(at + 2) !== 58) return NaN
  if (text.charCodeAt(at + 5) !== 58) return NaN

  const ms = fraction(text, at + 8)
  const today = new Date(now)

  return compose(today.getFullYear(), today.getMonth(), today.getDate(), h, mi, s, ms, null)
}

// A year for times that omit it: this year, or last year when that would lie in the future.
function guessYear(mo: number, d: number, now: number): number {
  const current = new Date(now)
  const year = current.getFullYear()
  const candidate = new Date(year, mo, d).getTime()

  return candidate - now > 86_400_000 ? year - 1 : year
}

/** Parses syslog's `Dec  3 13:58:26` (no year, local time) at `at`. */
export function scanSyslogTime(text: string, at: number, now: number): number {
  const mo = MONTHS[text.slice(at, at + 3)]
  if (mo === undefined || text.charCodeAt(at + 3) !== 32) return NaN

  const pad = text.charCodeAt(at + 4) === 32 ? 1 : 0
  const d = pad === 1 ? digits(text, at + 5, 1) : digits(text, at + 4, 2)
  const t = at + 7
  const h = digits(text, t, 2)
  const mi = digits(text, t + 3, 2)
  const s = digits(text, t + 6, 2)
  if (d < 0 || h < 0 || mi < 0 || s < 0 || text.charCodeAt(t - 1) !== 32) return NaN

  const ms = fraction(text, t + 8)

  return compose(guessYear(mo, d, now), mo, d, h, mi, s, ms, null)
}

/** Parses the access-log time `10/Oct/2024:13:55:36 -0700` at `at`. */
export function scanAccessTime(text: string, at: number): number {
  const d = digits(text, at, 2)
  const mo = MONTHS[text.slice(at + 3, at + 6)]
  const y = digits(text, at + 7, 4)
  const h = digits(text, at + 12, 2)
  const mi = digits(text, at + 15, 2)
  const s = digits(text, at + 18, 2)
  if (d < 0 || mo === undefined || y < 0 || h < 0 || mi < 0 || s < 0) return NaN

  const ms = fraction(text, at + 20)
  const offset = text.charCodeAt(scanned.end) === 32 ? zone(text, scanned.end + 1) : null

  return compose(y, mo, d, h, mi, s, ms, offset)
}

/** Parses Apache's `Wed Oct 11 14:32:52.123456 2024` (local time) at `at`. */
export function scanCtime(text: string, at: number): number {
  const mo = MONTHS[text.slice(at + 4, at + 7)]
  const d = digits(text, at + 8, 2)
  const h = digits(text, at + 11, 2)
  const mi = digits(text, at + 14, 2)
  const s = digits(text, at + 17, 2)
  if (mo === undefined || d < 0 || h < 0 || mi < 0 || s < 0) return NaN

  const ms = fraction(text, at + 19)
  const y = digits(text, scanned.end + 1, 4)
  if (y < 0) return NaN

  return compose(y, mo, d, h, mi, s, ms, null)
}

/** Parses glog/klog's `1203 13:58:26.123456` (month, day; no year; local time) at `at`. */
export function scanGlogTime(text: string, at: number, now: number): number {
  const mo = digits(text, at, 2)
  const d = digits(text, at + 2, 2)
  const h = digits(text, at + 5, 2)
  const mi = digits(text, at + 8, 2)
  const s = digits(text, at + 11, 2)
  if (mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return NaN

  const ms = fraction(text, at + 13)

  return compose(guessYear(mo - 1, d, now), mo - 1, d, h, mi, s, ms, null)
}

/** Epoch seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude. */
export function fromEpoch(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return NaN
  if (value < 1e11) return Math.round(value * 1000)
  if (value < 1e14) return Math.round(value)
  if (value < 1e17) return Math.round(value / 1000)

  return Math.round(value / 1e6)
}

/** The time a field holds (epoch number, ISO 8601 or any form Date.parse knows), or NaN. */
export function parseTimeValue(value: unknown): number {
  if (typeof value === 'number') return fromEpoch(value)
  if (typeof value !== 'string' || value.length < 8 || value.length > 64) return NaN

  const iso = scanIsoLike(value, 0)
  if (!Number.isNaN(iso)) return iso
  if (/^\d+(\.\d+)?$/.test(value)) return fromEpoch(Number(value))

  return Date.parse(value)
}
