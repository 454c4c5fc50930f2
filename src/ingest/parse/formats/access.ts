import type { Level } from '../../event.js'
import type { LineFormat } from '../format.js'
import { scanAccessTime } from '../timestamp.js'

// Where the last line `shape` accepted keeps its parts; reused so the scan allocates nothing.
const found = { open: 0, close: 0, requestEnd: 0, status: 0 }

function threeDigits(line: string, at: number): number {
  const a = line.charCodeAt(at) - 48
  const b = line.charCodeAt(at + 1) - 48
  const c = line.charCodeAt(at + 2) - 48
  if (a < 1 || a > 5 || b < 0 || b > 9 || c < 0 || c > 9) return -1

  return a * 100 + b * 10 + c
}

// Locates `[time] "request" status` in the first part of the line into `found`.
function shape(line: string): boolean {
  // `host ident user [` (or with a leading vhost): the bracket follows the third or fourth word.
  const s1 = line.indexOf(' ')
  if (s1 < 1 || s1 > 100) return false
  // A host name or address has no `=`; a logfmt record (`level=warn msg=…`) opens with one.
  const equals = line.indexOf('=')
  if (equals !== -1 && equals < s1) return false
  const s2 = line.indexOf(' ', s1 + 1)
  const s3 = s2 === -1 ? -1 : line.indexOf(' ', s2 + 1)
  if (s3 === -1) return false
  let open = s3
  if (line.charCodeAt(s3 + 1) !== 91) {
    open = line.indexOf(' ', s3 + 1)
    if (open === -1 || line.charCodeAt(open + 1) !== 91) return false
  }

  // `[10/Oct/2024:…`: a day of two digits and a slash, before searching any further.
  const day = line.charCodeAt(open + 2)
  if (day < 48 || day > 57 || line.charCodeAt(open + 4) !== 47) return false

  const close = line.indexOf('] "', open + 2)
  if (close === -1 || close - open > 40) return false

  let requestEnd = line.indexOf('" ', close + 3)
  while (requestEnd !== -1 && line.charCodeAt(requestEnd - 1) === 92) {
    requestEnd = line.indexOf('" ', requestEnd + 1)
  }
  if (requestEnd === -1) return false

  const status = threeDigits(line, requestEnd + 2)
  if (status === -1) return false

  found.open = open + 1
  found.close = close
  found.requestEnd = requestEnd
  found.status = status

  return true
}

function levelOfStatus(status: number): Level {
  if (status >= 500) return 'error'
  if (status >= 400) return 'warn'

  return 'info'
}

// Reads the quoted strings and bare words after the status: bytes, referer, user agent, extras.
function trailing(line: string, at: number): string[] {
  const values: string[] = []
  let i = at
  while (i < line.length) {
    while (line.charCodeAt(i) === 32) i++
    if (i >= line.length) break
    if (line.charCodeAt(i) === 34) {
      let end = line.indexOf('"', i + 1)
      while (end !== -1 && line.charCodeAt(end - 1) === 92) end = line.indexOf('"', end + 1)
      if (end === -1) end = line.length
      values.push(line.slice(i + 1, end))
      i = end + 1
    } else {
      let end = line.indexOf(' ', i)
      if (end === -1) end = line.length
      values.push(line.slice(i, end))
      i = end
    }
  }

  return values
}

const dash = (value: string | undefined): string | null =>
  value === undefined || value === '-' ? null : value

/**
 * Apache/nginx access logs in common or combined format (extra leading or trailing fields
 * allowed). The status sets the level: 5xx error, 4xx warn, else info.
 */
export const accessFormat: LineFormat = {
  name: 'access',
  scan(line) {
    return shape(line) ? levelOfStatus(found.status) : undefined
  },
  parse(line) {
    if (!shape(line)) return null

    const prefix = line.slice(0, found.open - 1).split(' ')
    const request = line.slice(found.close + 3, found.requestEnd)
    const [method, path, protocol] = request.split(' ')
    const [bytes, referer, userAgent, ...extra] = trailing(line, found.requestEnd + 5)
    const fields: Record<string, unknown> = {
      remote: prefix.length >= 3 ? prefix[prefix.length - 3] : prefix[0],
      user: dash(prefix[prefix.length - 1]),
      method: method ?? null,
      path: path ?? null,
      protocol: protocol ?? null,
      status: found.status,
      bytes: bytes === undefined || bytes === '-' ? 0 : Number(bytes) || 0,
      referer: dash(referer),
      userAgent: dash(userAgent),
    }
    if (prefix.length > 3) fields.vhost = prefix[0]
    if (extra.length > 0) fields.extra = extra

    return {
      timestamp: scanAccessTime(line, found.open + 1),
      message: `${request} ${found.status}`,
      service: null,
      fields,
    }
  },
}
