import type { Level } from '../../event.js'
import type { LineFormat } from '../format.js'
import { findLevelWord } from '../level.js'

// `java.lang.IllegalStateException: …`, `TypeError: …`, `KeyError` opening a line.
const EXCEPTION_HEAD = /^[\w$.]*(?:Exception|Error)(?::|$)/

function crashLevel(line: string): Level | null {
  const first = line.charCodeAt(0)
  if (first === 84 && line.startsWith('Traceback (most recent call last)')) return 'error'
  if (first === 112 && line.startsWith('panic: ')) return 'fatal'
  if (first === 102 && line.startsWith('fatal error: ')) return 'fatal'
  if (first === 69 && line.startsWith('Exception in thread ')) return 'error'
  if (first === 85 && line.startsWith('Unhandled exception.')) return 'error'
  if (EXCEPTION_HEAD.test(line)) return 'error'

  return null
}

/**
 * The fallback for any line no other format reads: the level is the first level word among the
 * first 80 characters (capitals preferred); a bare crash line is error or fatal first (`Traceback`,
 * `panic:`, `java.io.IOException: …`), else info. The message is the whole line.
 */
export const plainFormat: LineFormat = {
  name: 'plain',
  scan(line) {
    return crashLevel(line) ?? findLevelWord(line, 0, 80) ?? 'info'
  },
  parse(line) {
    return { timestamp: NaN, message: line, service: null, fields: {} }
  },
}
