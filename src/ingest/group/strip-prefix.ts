// Whole-line shapes whose head is not part of the message: a BSD syslog time and host, an
// RFC 5424 header (its app name is kept), an access log's client, user and time.
const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec'
const BSD_SYSLOG = new RegExp(`^(?:<\\d{1,3}>)?(?:${MONTHS}) [ \\d]\\d \\d{2}:\\d{2}:\\d{2} \\S+ `)
const RFC5424 =
  /^<\d{1,3}>\d{1,2} \S+ \S+ (\S+) \S+ \S+ (?:-|(?:\[(?:[^\]"\\]|"(?:[^"\\]|\\.)*")*\])+) ?/
const ACCESS = /^\S+ \S+ \S+ \[[^\]]{1,64}\] (?=")/

// One prefix token at a time: a time stamp, a level word, a bracketed thread or level, a
// separator, a bare number (pid, thread id), each followed by whitespace.
const TOKEN = new RegExp(
  [
    '<\\d{1,3}>',
    '\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?',
    '\\d{4}/\\d{2}/\\d{2}',
    '\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?',
    `(?:${MONTHS}) [ \\d]\\d`,
    '\\[[^\\]]{0,80}\\]',
    '(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT|SEVERE|EMERG|ALERT|PANIC)(?![\\w])',
    '[IWEF]\\d{4}',
    '[-|:>]+',
    '\\d+',
  ]
    .map((part) => `(?:${part})`)
    .join('|')
    .replace(/^/, '(?:')
    .concat(')[:,]?\\s+'),
  'y',
)

/**
 * Removes a leading time stamp, level, thread and similar prefix from a raw line of any
 * format, so that the template is the message's own text. Never returns an empty string
 * when the line had text.
 */
export function stripPrefix(line: string): string {
  let text = line.trimStart()
  const rfc = RFC5424.exec(text)
  if (rfc !== null) {
    text = `${rfc[1] ?? ''}: ${text.slice(rfc[0].length)}`
  } else {
    text = text.replace(BSD_SYSLOG, '').replace(ACCESS, '')
  }

  let at = 0
  for (let steps = 0; steps < 12; steps++) {
    TOKEN.lastIndex = at
    const match = TOKEN.exec(text)
    if (match === null || at + match[0].length >= text.length) break
    at += match[0].length
  }

  return at === 0 ? text : text.slice(at)
}
