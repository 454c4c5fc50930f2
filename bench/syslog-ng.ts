// The real log processor beside alims in `npm run bench:ingest`: Debian's syslog-ng, unpacked
// with `dpkg -x` into bench/out (its package conflicts with rsyslog, so it is never installed),
// joining indented lines to the line before (stack traces) and sorting the events by three
// level filters into files. Where the packages cannot be had, the row says why and is left out.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

import type { Measurement, Row } from './ingest.js'

const PACKAGES = ['syslog-ng-core', 'libivykis0', 'libpcre3']
const HOME = resolve('bench/out/syslog-ng')
const ROOT = join(HOME, 'root')
const BINARY = join(ROOT, 'usr/sbin/syslog-ng')

function sh(command: string, args: readonly string[], cwd = HOME): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' })

  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() }
}

// Every folder of the unpacked tree that holds a shared library.
function libraryPath(): string {
  const found = new Set<string>()
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (/\.so(\.|$)/.test(entry.name)) found.add(dir)
    }
  }
  walk(ROOT)

  return [...found].join(':')
}

/** Unpacks syslog-ng once; returns why it cannot run, or null when it can. */
function unpack(): string | null {
  if (existsSync(BINARY)) return null
  if (!existsSync('/usr/bin/apt-get') || !existsSync('/usr/bin/dpkg')) return 'no apt-get or dpkg'

  mkdirSync(HOME, { recursive: true })
  let download = sh('apt-get', ['download', ...PACKAGES])
  if (!download.ok) {
    // A fresh machine may have no package lists yet.
    sh('apt-get', ['update', '-qq'])
    download = sh('apt-get', ['download', ...PACKAGES])
  }
  if (!download.ok) return `apt-get download failed: ${download.output.split('\n').pop() ?? ''}`

  for (const deb of readdirSync(HOME).filter((name) => name.endsWith('.deb'))) {
    const unpacked = sh('dpkg', ['-x', deb, ROOT])
    if (!unpacked.ok) return `dpkg -x ${deb} failed: ${unpacked.output}`
    rmSync(join(HOME, deb))
  }

  return existsSync(BINARY) ? null : 'the package holds no usr/sbin/syslog-ng'
}

function config(out: string, version: string): string {
  const file = (name: string) => `file("${join(out, name)}")`

  return [
    `@version: ${version}`,
    // Windows large enough that the reader is not paused and resumed every 100 messages.
    'options { log-fifo-size(200000); log-msg-size(1048576); flush-lines(1000); stats-freq(0); };',
    'source s_in { stdin(flags(no-parse) multi-line-mode(indented) log-msg-size(1048576)',
    '  log-iw-size(100000) log-fetch-limit(10000)); };',
    'filter f_fatal { message("FATAL|fatal|CRITICAL|critical|panic" type(pcre)); };',
    'filter f_error { message("ERROR|error|Exception|Traceback|failed|timeout" type(pcre)); };',
    'filter f_warn { message("WARN|warn" type(pcre)); };',
    `destination d_fatal { ${file('fatal.log')}; };`,
    `destination d_error { ${file('error.log')}; };`,
    `destination d_warn { ${file('warn.log')}; };`,
    'log { source(s_in); filter(f_fatal); destination(d_fatal); flags(final); };',
    'log { source(s_in); filter(f_error); destination(d_error); flags(final); };',
    'log { source(s_in); filter(f_warn); destination(d_warn); flags(final); };',
    '',
  ].join('\n')
}

/**
 * The syslog-ng row, or the reason it cannot be had. syslog-ng reads the file from a pipe
 * (its `stdin()` source exits at the end of its input; a plain file there would be followed
 * for ever); `cat` costs a few hundredths of a second of the time.
 */
export function syslogNgRow(
  timed: (args: readonly string[], env: NodeJS.ProcessEnv) => Promise<Measurement>,
): Row | string {
  const missing = unpack()
  if (missing !== null) return missing

  const env = { ...process.env, LD_LIBRARY_PATH: libraryPath() }
  const ldd = spawnSync('ldd', [BINARY], { env, encoding: 'utf8' })
  const unresolved = ldd.stdout.split('\n').filter((line) => line.includes('not found'))
  if (unresolved.length > 0) return `libraries not found: ${unresolved.join(', ').trim()}`

  // "syslog-ng 3 (3.38.1)": the configuration and module folder go by major.minor.
  const banner = spawnSync(BINARY, ['--version'], { env, encoding: 'utf8' }).stdout
  const release = /\((\d+\.\d+)(\.\d+)?\)/.exec(banner)
  if (release?.[1] === undefined) return `cannot read the version of ${BINARY}`
  const version = release[1]

  return {
    name: `syslog-ng ${version} (reference)`,
    async measure(file) {
      const run = join(HOME, 'run')
      rmSync(run, { recursive: true, force: true })
      mkdirSync(run, { recursive: true })
      writeFileSync(join(run, 'sng.conf'), config(run, version))
      const options = [
        '-F',
        `-f ${join(run, 'sng.conf')}`,
        `--module-path=${join(ROOT, 'usr/lib/syslog-ng', version)}`,
        `--persist-file=${join(run, 'persist')}`,
        `--pidfile=${join(run, 'pid')}`,
        `--control=${join(run, 'ctl')}`,
      ].join(' ')
      const measured = await timed(['bash', '-c', `cat '${file}' | '${BINARY}' ${options}`], env)
      const kept = ['fatal.log', 'error.log', 'warn.log'].filter((n) => existsSync(join(run, n)))
      if (kept.length === 0)
        throw new Error('syslog-ng wrote no events: its filters matched nothing')

      return measured
    },
  }
}
