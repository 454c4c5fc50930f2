// Reference for the ingest figures, not alims: the prototype's approach, re-implemented
// faithfully and small. Every 5 s the prototype read the whole file again, split it into lines,
// hashed each line and kept the hash of every line it had seen, so that only unseen lines were
// looked at for error words. This child process times one such pass over a file (the first,
// when every line is new) and a second pass (every line already seen: the cost it pays every
// 5 s forever), and prints one JSON line.
// Usage: tsx bench/prototype-reread.ts FILE
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

/** What the child reports. */
export interface RereadResult {
  lines: number
  matches: number
  /** Wall and CPU seconds of the first pass (every line new). */
  seconds: number
  cpuSeconds: number
  /** Wall seconds of a second pass over the unchanged file (every line seen). */
  repeatSeconds: number
  maxRssBytes: number
}

const ERROR_WORDS = /ERROR|WARN|FATAL|error|warn|fatal|Exception|Traceback|failed|timeout/

function pass(path: string, seen: Set<string>, matched: string[]): number {
  const lines = readFileSync(path, 'utf8').split('\n')
  if (lines.at(-1) === '') lines.pop()
  for (const line of lines) {
    const hash = createHash('md5').update(line).digest('hex')
    if (seen.has(hash)) continue

    seen.add(hash)
    if (ERROR_WORDS.test(line)) matched.push(line)
  }

  return lines.length
}

function main(path: string): void {
  const seen = new Set<string>()
  const matched: string[] = []
  const cpu = process.cpuUsage()
  const start = process.hrtime.bigint()
  const lines = pass(path, seen, matched)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const used = process.cpuUsage(cpu)

  const again = process.hrtime.bigint()
  pass(path, seen, matched)
  const repeatSeconds = Number(process.hrtime.bigint() - again) / 1e9

  const result: RereadResult = {
    lines,
    matches: matched.length,
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    repeatSeconds,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

main(process.argv[2] ?? 'bench/out/mixed.log')
