import type { Level } from '../../event.js'
import type { LineFormat } from '../format.js'

const LEVELS: Record<string, Level> = {
  DEBUG: 'debug',
  INFO: 'info',
  WARNING: 'warn',
  ERROR: 'error',
  CRITICAL: 'fatal',
}

// `ERROR:` → the level and where the logger starts, or null.
function head(line: string): { level: Level; at: number } | null {
  const colon = line.indexOf(':')
  if (colon < 4 || colon > 8) return null

  const level = LEVELS[line.slice(0, colon)]

  return level === undefined ? null : { level, at: colon + 1 }
}

/** Python logging's default format without a time: `WARNING:urllib3.connectionpool:message`. */
export const pythonBasicFormat: LineFormat = {
  name: 'python',
  scan(line) {
    const found = head(line)
    if (found === null) return undefined

    const next = line.indexOf(':', found.at)

    return next === -1 || line.lastIndexOf(' ', next) > found.at ? undefined : found.level
  },
  parse(line) {
    const found = head(line)
    if (found === null) return null

    const next = line.indexOf(':', found.at)
    const logger = line.slice(found.at, next)

    return {
      timestamp: NaN,
      message: line.slice(next + 1),
      service: logger,
      fields: { logger },
    }
  },
}
