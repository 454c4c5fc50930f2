import type { LineFormat } from '../format.js'
import { levelOfWord } from '../level.js'
import { scanIsoLike } from '../timestamp.js'

const CONTEXT = /, (client|server|request|upstream|host|referrer): ("(?:[^"\\]|\\.)*"|[^,]*)/g

function isShape(line: string): boolean {
  return (
    line.charCodeAt(4) === 47 &&
    line.charCodeAt(7) === 47 &&
    line.charCodeAt(10) === 32 &&
    line.charCodeAt(19) === 32 &&
    line.charCodeAt(20) === 91
  )
}

/** nginx's error log: `2024/12/03 13:58:26 [error] 1234#1234: *5 message, client: …`. */
export const nginxErrorFormat: LineFormat = {
  name: 'nginx-error',
  scan(line) {
    if (!isShape(line)) return undefined

    const close = line.indexOf(']', 21)
    if (close === -1 || close > 30) return undefined

    return levelOfWord(line.slice(21, close)) ?? undefined
  },
  parse(line) {
    if (!isShape(line)) return null

    const close = line.indexOf(']', 21)
    const fields: Record<string, unknown> = {}
    let at = close + 2
    const process = /^(\d+)#(\d+): (?:\*(\d+) )?/.exec(line.slice(at, at + 40))
    if (process !== null) {
      fields.pid = Number(process[1])
      fields.tid = Number(process[2])
      if (process[3] !== undefined) fields.connection = Number(process[3])
      at += process[0].length
    }

    let message = line.slice(at)
    const contextStart = message.search(/, (client|server|request|upstream|host): /)
    if (contextStart !== -1) {
      for (const match of message.slice(contextStart).matchAll(CONTEXT)) {
        const value = match[2] ?? ''
        fields[match[1] ?? ''] = value.startsWith('"') ? value.slice(1, -1) : value
      }
      message = message.slice(0, contextStart)
    }

    return { timestamp: scanIsoLike(line, 0), message, service: null, fields }
  },
}
