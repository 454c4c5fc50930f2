import type { LineFormat } from '../format.js'
import { levelOfValue } from '../level.js'
import { scanGlogTime } from '../timestamp.js'

const LINE = /^[IWEF]\d{4} [\d:.]+ +(\d+) ([^\]\s]+)\] ?/

function isShape(line: string): boolean {
  const first = line.charCodeAt(0)

  return (
    (first === 73 || first === 87 || first === 69 || first === 70) && // I W E F
    line.charCodeAt(5) === 32 &&
    line.charCodeAt(8) === 58 &&
    line.charCodeAt(11) === 58 &&
    /^\d{4}$/.test(line.slice(1, 5))
  )
}

/** glog/klog (Kubernetes components): `E1203 13:58:26.123456   4242 server.go:42] message`. */
export const glogFormat: LineFormat = {
  name: 'glog',
  scan(line) {
    return isShape(line) ? (levelOfValue(line[0]) ?? undefined) : undefined
  },
  parse(line, now) {
    const match = LINE.exec(line)
    if (match === null) return null

    return {
      timestamp: scanGlogTime(line, 1, now),
      message: line.slice(match[0].length),
      service: null,
      fields: { threadId: Number(match[1]), caller: match[2] },
    }
  },
}
