import type { LineFormat } from '../format.js'
import { levelOfValue, levelOfWord } from '../level.js'
import { scanIsoLike } from '../timestamp.js'

const LINE = /^([A-Z]), \[(\S+) #(\d+)\] +([A-Za-z]+) -- ([^:]*?): ?/

/** Ruby's Logger and Rails: `E, [2024-12-03T13:58:26.123456 #4242] ERROR -- app: message`. */
export const rubyLoggerFormat: LineFormat = {
  name: 'ruby',
  scan(line) {
    if (line.charCodeAt(1) !== 44 || line.charCodeAt(2) !== 32 || line.charCodeAt(3) !== 91) {
      return undefined
    }

    const close = line.indexOf('] ', 4)
    if (close === -1) return undefined

    let start = close + 2
    while (line.charCodeAt(start) === 32) start++
    const space = line.indexOf(' ', start)
    const word = line.slice(start, space === -1 ? line.length : space)

    return levelOfWord(word) ?? levelOfValue(line[0]) ?? undefined
  },
  parse(line) {
    const match = LINE.exec(line)
    if (match === null) return null

    const program = (match[5] ?? '').trim()

    return {
      timestamp: scanIsoLike(match[2] ?? '', 0),
      message: line.slice(match[0].length),
      service: program === '' ? null : program,
      fields: { pid: Number(match[3]), ...(program === '' ? {} : { progname: program }) },
    }
  },
}
