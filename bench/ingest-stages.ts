// Child process of `npm run bench:ingest`: reads one file to its end through the tail, split
// and parse stages (the one-shot reader the worker uses), and prints one JSON line with what it
// measured. Looks at each warning-or-worse event's message and time, as classification would.
// Lines that the built-in rules' line gate passes over are counted as events but never built,
// as in the worker.
import { defaultRuleSet } from '../src/ingest/classify/index.js'
import { readFilesOnce } from '../src/ingest/tail/read-files-once.js'
import type { Batch } from '../src/ingest/checkpoint.js'
import type { LogEvent } from '../src/ingest/event.js'
import { createAssembler } from '../src/ingest/parse/index.js'
import { createLogger } from '../src/observability/logger.js'

/** What the child reports. */
export interface StagesResult {
  lines: number
  events: number
  alarms: number
  seconds: number
  cpuSeconds: number
  maxRssBytes: number
}

async function main(path: string): Promise<void> {
  let events = 0
  let alarms = 0
  let touched = 0
  const sink = {
    commit(batch: Batch<LogEvent>): Promise<void> {
      events += batch.gated ?? 0
      const list = batch.events
      for (let i = 0; i < list.length; i++) {
        const event = list[i] as LogEvent
        events++
        if (event.level === 'warn' || event.level === 'error' || event.level === 'fatal') {
          alarms++
          touched += event.message.length + (event.timestamp > 0 ? 1 : 0)
        }
      }

      return Promise.resolve()
    },
  }

  const gate = defaultRuleSet().gate
  const cpu = process.cpuUsage()
  const start = process.hrtime.bigint()
  const [file] = await readFilesOnce({
    paths: [path],
    assemblers: (source) => createAssembler(source),
    sink,
    log: createLogger({ level: 'silent' }),
    gate: () => gate,
  })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const used = process.cpuUsage(cpu)
  const result: StagesResult = {
    lines: file?.lines ?? 0,
    events,
    alarms: touched > 0 ? alarms : 0,
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

await main(process.argv[2] ?? 'bench/out/mixed.log')
