import type { LineFormat } from '../format.js'
import { levelOfWord } from '../level.js'
import { scanCtime } from '../timestamp.js'

const DAYS = new Set(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'])

// Index of `] [` closing the time, or -1 when the line does not open with `[Wed Oct 11 …]`.
function timeEnd(line: string): number {
  if (line.charCodeAt(0) !== 91 || line.charCodeAt(4) !== 32 || line.charCodeAt(8) !== 32) {
    return -1
  }
  if (!DAYS.has(line.slice(1, 4))) return -1

  const end = line.indexOf('] [', 20)

  return end > 40 ? -1 : end
}

// `[core:error]` or `[error]` → the level word.
function levelWord(line: string, open: number): { word: string; module: string | null } | null {
  const close = line.indexOf(']', open)
  if (close === -1 || close - open > 40) return null

  const inner = line.slice(open + 1, close)
  const colon = inner.lastIndexOf(':')

  return colon === -1
    ? { word: inner, module: null }
    : { word: inner.slice(colon + 1), module: inner.slice(0, colon) }
}

/** Apache httpd's error log, 2.2 and 2.4: `[Wed Oct 11 14:32:52.123 2024] [core:error] [pid 1] …`. */
export const apacheErrorFormat: LineFormat = {
  name: 'apache-error',
  scan(line) {
    const end = timeEnd(line)
    if (end === -1) return undefined

    const level = levelWord(line, end + 2)

    return level === null ? undefined : (levelOfWord(level.word) ?? undefined)
  },
  parse(line) {
    const end = timeEnd(line)
    if (end === -1) return null

    const level = levelWord(line, end + 2)
    const fields: Record<string, unknown> = {}
    if (level?.module != null) fields.module = level.module

    let at = line.indexOf(']', end + 2) + 1
    for (;;) {
      while (line.charCodeAt(at) === 32) at++
      if (line.charCodeAt(at) !== 91) break

      const close = line.indexOf(']', at)
      if (close === -1) break
      const part = line.slice(at + 1, close)
      const pid = /^pid (\d+)(?::tid (\d+))?$/.exec(part)
      if (pid !== null) {
        fields.pid = Number(pid[1])
        if (pid[2] !== undefined) fields.tid = Number(pid[2])
      } else if (part.startsWith('client ') || part.startsWith('remote ')) {
        fields.client = part.slice(7)
      } else {
        break
      }
      at = close + 1
    }

    let message = line.slice(at)
    const code = /^(AH\d{5}): /.exec(message)
    if (code !== null) {
      fields.code = code[1]
      message = message.slice(code[0].length)
    }

    return { timestamp: scanCtime(line, 1), message, service: null, fields }
  },
}
