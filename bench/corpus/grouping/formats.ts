import type { Random } from './random.js'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

export const time = {
  iso: (d: Date) => d.toISOString(),
  log4j: (d: Date) =>
    `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)},${pad(d.getUTCMilliseconds(), 3)}`,
  bsd: (d: Date) =>
    `${MONTHS[d.getUTCMonth()] ?? 'Jan'} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`,
  clf: (d: Date) =>
    `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()] ?? 'Jan'}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)} +0000`,
}

// Each label comes from one place in the code, so its logger name is fixed per label.
function loggerOf(label: string, style: 'java' | 'python'): string {
  const base = label.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())
  const name = base.charAt(0).toUpperCase() + base.slice(1)

  return style === 'java' ? `com.acme.app.${name}Service` : `app.${label.replace(/-/g, '_')}`
}

export interface Line {
  raw: string
  /** What a parser of the format would give as the message. */
  message: string
}

type Wrap = (r: Random, label: string, level: string, text: string) => Line

/** Wraps a message into a line of each format, with the format's own varying parts. */
export const WRAPPERS: Record<string, Wrap> = {
  json: (r, _label, level, text) => {
    const record =
      r.next() < 0.5
        ? {
            time: time.iso(r.time()),
            level,
            service: 'checkout',
            msg: text,
            request_id: r.uuid(),
            duration_ms: r.int(1, 900),
          }
        : {
            timestamp: time.iso(r.time()),
            level: level.toUpperCase(),
            source: 'delivery',
            message: text,
            job_id: `JOB${r.int(100, 199)}`,
          }

    return { raw: JSON.stringify(record), message: text }
  },
  logfmt: (r, _label, level, text) => ({
    raw: `time=${time.iso(r.time())} level=${level} msg=${JSON.stringify(text)} caller=worker.go:${r.int(10, 400)} trace_id=${r.hex(16)}`,
    message: text,
  }),
  log4j: (r, label, level, text) => ({
    raw: `${time.log4j(r.time())} ${level.toUpperCase().padEnd(5)} [${r.pick(['main', `http-nio-8080-exec-${r.int(1, 200)}`, `pool-${r.int(1, 4)}-thread-${r.int(1, 16)}`])}] ${loggerOf(label, 'java')} - ${text}`,
    message: text,
  }),
  python: (r, label, level, text) => ({
    raw: `${time.log4j(r.time())} - ${loggerOf(label, 'python')} - ${level.toUpperCase()} - ${text}`,
    message: text,
  }),
  plain: (r, _label, level, text) => ({
    raw:
      r.next() < 0.5
        ? `[${time.iso(r.time())}] ${level.toUpperCase()}: ${text}`
        : `${time.iso(r.time())} ${level.toUpperCase()} ${text}`,
    message: text,
  }),
}

/** BSD syslog (RFC 3164) and RFC 5424 lines for a program's message. */
export function syslogLine(r: Random, program: string, text: string, rfc5424: boolean): Line {
  const host = r.pick(['web01', 'web02', 'db-primary', 'worker7'])
  const pid = r.int(100, 65000)
  if (rfc5424) {
    const sd = r.next() < 0.3 ? `[meta sequenceId="${r.int(1, 9999)}"]` : '-'

    return {
      raw: `<${r.int(8, 191)}>1 ${time.iso(r.time())} ${host} ${program} ${pid} - ${sd} ${text}`,
      message: text,
    }
  }

  return {
    raw: `${time.bsd(r.time())} ${host} ${program}[${pid}]: ${text}`,
    message: `${program}[${pid}]: ${text}`,
  }
}
