import { scanGlogTime, scanIsoLike, scanTimeOfDay } from '../timestamp.js'

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57
}

function allDigits(line: string, at: number, count: number): boolean {
  for (let i = at; i < at + count; i++) if (!isDigit(line.charCodeAt(i))) return false

  return true
}

// Skips `.123`/`,123456`, then a zone `Z`, `+01:00`, `-0700` or ` UTC`; returns the index after.
function skipFractionAndZone(line: string, at: number): number {
  let i = at
  const mark = line.charCodeAt(i)
  if ((mark === 46 || mark === 44) && isDigit(line.charCodeAt(i + 1))) {
    i++
    while (isDigit(line.charCodeAt(i))) i++
  }

  const code = line.charCodeAt(i)
  if (code === 90) return i + 1
  if ((code === 43 || code === 45) && allDigits(line, i + 1, 2)) {
    i += 3
    if (line.charCodeAt(i) === 58) i++
    while (isDigit(line.charCodeAt(i))) i++

    return i
  }
  if (code === 32 && (line.startsWith(' UTC', i) || line.startsWith(' GMT', i))) return i + 4
  const sign = line.charCodeAt(i + 1)
  if (code === 32 && (sign === 43 || sign === 45) && allDigits(line, i + 2, 2)) {
    if (line.charCodeAt(i + 4) === 58 && allDigits(line, i + 5, 2)) return i + 7
    if (allDigits(line, i + 4, 2)) return i + 6
  }

  return i
}

/** Kinds of time that open a layout line. */
export type PrefixKind = 'iso' | 'clock' | 'glog'

/** Where a layout line's leading time is: `[start, end)`, and whether it sat in brackets. */
export interface Prefix {
  kind: PrefixKind
  start: number
  /** Index just past the time (and its closing bracket). */
  end: number
}

// Reused by every scan: the hot path allocates nothing.
const last: Prefix = { kind: 'iso', start: 0, end: 0 }

/**
 * Recognises a line that opens with a time, checking only character classes (no Date work). The result is reused by the next call:
 * `2024-12-03 13:58:26,123`, `2024/12/03 13:58:26`, `[2024-12-03T13:58:26Z]`, `13:58:26.123`.
 */
export function scanPrefix(line: string): Prefix | null {
  const bracket = line.charCodeAt(0) === 91 ? 1 : 0
  const at = bracket
  let end = -1
  let kind: PrefixKind = 'iso'
  const sep = line.charCodeAt(at + 4)
  if (
    (sep === 45 || sep === 47) &&
    allDigits(line, at, 4) &&
    line.charCodeAt(at + 7) === sep &&
    allDigits(line, at + 5, 2) &&
    allDigits(line, at + 8, 2) &&
    allDigits(line, at + 11, 2) &&
    line.charCodeAt(at + 13) === 58 &&
    line.charCodeAt(at + 16) === 58 &&
    allDigits(line, at + 17, 2)
  ) {
    end = skipFractionAndZone(line, at + 19)
  } else if (
    line.charCodeAt(at + 2) === 58 &&
    line.charCodeAt(at + 5) === 58 &&
    allDigits(line, at, 2) &&
    allDigits(line, at + 3, 2) &&
    allDigits(line, at + 6, 2)
  ) {
    kind = 'clock'
    end = skipFractionAndZone(line, at + 8)
  }
  if (end === -1) return null
  if (bracket === 1) {
    if (line.charCodeAt(end) !== 93) return null
    end++
  }
  const after = line.charCodeAt(end)
  if (after !== 32 && after !== 9 && end !== line.length) return null

  last.kind = kind
  last.start = at
  last.end = end

  return last
}

/** The time of a prefix found by scanPrefix, in epoch ms (NaN when out of range). */
export function prefixTime(line: string, prefix: Prefix, now: number): number {
  if (prefix.kind === 'iso') return scanIsoLike(line, prefix.start)
  if (prefix.kind === 'clock') return scanTimeOfDay(line, prefix.start, now)

  return scanGlogTime(line, prefix.start, now)
}
