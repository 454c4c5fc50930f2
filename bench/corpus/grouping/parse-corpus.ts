import type { LogEvent } from '../../../src/ingest/event.js'
import type { Line } from '../../../src/ingest/line.js'
import { createAssembler } from '../../../src/ingest/parse/index.js'
import type { CorpusRecord } from './generate.js'

// Runs each format's records, as one file per format, through the real split-and-parse stage.
// A record gets the event that covers its first line: its own, or the one the parser joined it
// into (counted as merged); extra events inside a record are counted as split.
export function parseCorpus(records: readonly CorpusRecord[]): {
  events: LogEvent[]
  split: number
  merged: number
} {
  const byFormat = new Map<string, number[]>()
  records.forEach((record, i) => {
    byFormat.set(record.format, [...(byFormat.get(record.format) ?? []), i])
  })
  const events: LogEvent[] = new Array<LogEvent>(records.length)
  let split = 0
  let merged = 0
  for (const [format, indexes] of byFormat) {
    const assembler = createAssembler({ path: `/var/log/${format}.log` })
    const starts: number[] = []
    const out: LogEvent[] = []
    let offset = 0
    let number = 1
    for (const index of indexes) {
      starts.push(offset)
      for (const text of records[index]!.raw.split('\n')) {
        const end = offset + Buffer.byteLength(text) + 1
        const line: Line = { text, offset, end, number: number++, truncated: false, partial: false }
        assembler.push(line, out)
        offset = end
      }
    }
    assembler.flush(out, true)
    let next = 0
    starts.forEach((start, k) => {
      while (next + 1 < out.length && out[next + 1]!.offset <= start) {
        next++
        if (out[next]!.offset > (starts[k - 1] ?? -1) && out[next]!.offset < start) split++
      }
      const event = out[next]!
      if (event.offset < start) merged++
      events[indexes[k]!] = event
    })
  }

  return { events, split, merged }
}
