import type { LineFormat } from '../format.js'

import { accessFormat } from './access.js'
import { apacheErrorFormat } from './apache-error.js'
import { glogFormat } from './glog.js'
import { jsonFormat } from './json.js'
import { layoutFormat } from './layout.js'
import { logfmtFormat } from './logfmt.js'
import { nginxErrorFormat } from './nginx-error.js'
import { plainFormat } from './plain.js'
import { pythonBasicFormat } from './python-basic.js'
import { rubyLoggerFormat } from './ruby-logger.js'
import { syslog3164Format } from './syslog-3164.js'
import { syslog5424Format } from './syslog-5424.js'

export { plainFormat }

/** Every format, the plain-text fallback last. */
export const FORMATS: readonly LineFormat[] = [
  jsonFormat,
  logfmtFormat,
  syslog5424Format,
  syslog3164Format,
  nginxErrorFormat,
  apacheErrorFormat,
  accessFormat,
  rubyLoggerFormat,
  glogFormat,
  pythonBasicFormat,
  layoutFormat,
  plainFormat,
]

/** The format named `name`, or undefined. */
export function formatNamed(name: string): LineFormat | undefined {
  return FORMATS.find((format) => format.name === name)
}

// Which formats can read a line, by its first character: the most specific first.
const BY_BRACKET = [apacheErrorFormat, layoutFormat]
const BY_DIGIT = [nginxErrorFormat, layoutFormat, accessFormat, logfmtFormat]
const BY_UPPER = [
  rubyLoggerFormat,
  glogFormat,
  pythonBasicFormat,
  syslog3164Format,
  logfmtFormat,
  accessFormat,
]
const BY_LOWER = [logfmtFormat, accessFormat]
const BY_ANGLE = [syslog5424Format, syslog3164Format]
const BY_BRACE = [jsonFormat]
const NONE: readonly LineFormat[] = []

/** The formats worth trying on a line that starts with the character `code`. */
export function candidatesFor(code: number): readonly LineFormat[] {
  if (code === 123) return BY_BRACE
  if (code >= 97 && code <= 122) return BY_LOWER
  if (code >= 48 && code <= 57) return BY_DIGIT
  if (code >= 65 && code <= 90) return BY_UPPER
  if (code === 91) return BY_BRACKET
  if (code === 60) return BY_ANGLE

  return NONE
}
