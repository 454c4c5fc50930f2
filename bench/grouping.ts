// npm run bench:grouping — accuracy and speed of template grouping on a labelled corpus of
// ten formats, next to two naive references measured in the same run.
import { createHash } from 'node:crypto'

import type { LogEvent } from '../src/ingest/event.js'
import { defaultRuleSet } from '../src/ingest/classify/index.js'
import { Grouper } from '../src/ingest/group/index.js'
import { generateCorpus, type CorpusRecord } from './corpus/grouping/generate.js'
import { parseCorpus } from './corpus/grouping/parse-corpus.js'
import { groupingAccuracy, wrongLabels } from './grouping-accuracy.js'
import { reportJson } from './report.js'

type Keyer = (event: LogEvent) => string

/** One row of the report, as --json prints it. */
export interface GroupingResult {
  name: string
  input: string
  /** null for rows that do not group (classification). */
  accuracy: number | null
  groups: number | null
  linesPerSecond: number
  linesPerCpuSecond: number
}

function toEvent(record: CorpusRecord, parsed: boolean): LogEvent {
  return {
    source: `/var/log/${record.format}.log`,
    offset: 0,
    end: record.raw.length + 1,
    line: 1,
    timestamp: 0,
    hasTimestamp: false,
    level: record.level as LogEvent['level'],
    // Raw mode is a format no parser knows: the message is the whole line.
    message: parsed ? record.message : record.raw,
    service: record.format,
    format: parsed ? record.format : 'unknown',
    fields: {},
    raw: record.raw,
  }
}

const messageOf = (label: string): string => label.slice(label.indexOf(':') + 1)
const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex').slice(0, 20)
const firstLine = (text: string): string => text.split('\n', 1)[0] ?? ''

const keyers: Record<string, () => Keyer> = {
  'reference: exact message': () => (e) => sha1(`${e.service}\0${firstLine(e.message)}`),
  'reference: digits masked': () => (e) =>
    sha1(`${e.service}\0${firstLine(e.message).replace(/\d+/g, '0')}`),
  'alims fingerprint': () => {
    const grouper = new Grouper({ drain: false })

    return (e) => grouper.group(e).fingerprint
  },
  'alims Drain pattern': () => {
    const grouper = new Grouper()

    return (e) => `${e.service}\0${grouper.group(e).pattern ?? ''}`
  },
}

// Runs the keyer over the corpus for at least 1.5 s; returns lines per wall-clock second and
// per CPU second (the second is steadier on a machine shared with other work).
function rate(keyer: Keyer, events: readonly LogEvent[], lines: number): [number, number] {
  let rounds = 0
  const start = process.hrtime.bigint()
  const cpu = process.cpuUsage()
  let elapsed = 0
  while (elapsed < 1.5 || rounds < 3) {
    for (const event of events) keyer(event)
    rounds++
    elapsed = Number(process.hrtime.bigint() - start) / 1e9
  }
  const used = process.cpuUsage(cpu)

  return [(rounds * lines) / elapsed, (rounds * lines) / ((used.user + used.system) / 1e6)]
}

const thousands = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(11)

const corpus = generateCorpus()
const labels = corpus.map((record) => record.label)
const lines = corpus.reduce((sum, record) => sum + record.raw.split('\n').length, 0)
const formats = new Set(corpus.map((record) => record.format)).size
process.stdout.write(
  `corpus: ${corpus.length} events, ${lines} lines, ${formats} formats, ${new Set(labels).size} labelled messages\n\n`,
)
process.stdout.write(
  `${'grouping'.padEnd(28)} ${'input'.padEnd(16)} ${'accuracy'.padStart(8)} ${'groups'.padStart(7)} ${'lines/s'.padStart(11)} ${'lines/cpu-s'.padStart(11)}\n`,
)

const verbose = process.argv.includes('--verbose')
const results: GroupingResult[] = []
const parsed = parseCorpus(corpus)
const inputs: [string, LogEvent[]][] = [
  ['raw lines', corpus.map((record) => toEvent(record, false))],
  ['given messages', corpus.map((record) => toEvent(record, true))],
  ['alims parsers', parsed.events],
]
for (const [input, events] of inputs) {
  // A fingerprint is per service by definition: the true group of an event is its message
  // label within the service the event was attributed to.
  const truth = events.map((event, i) => `${event.service}: ${messageOf(labels[i]!)}`)
  for (const [name, make] of Object.entries(keyers)) {
    const keyer = make()
    const keys = events.map(keyer)
    const accuracy = groupingAccuracy(keys, truth)
    const [wall, cpu] = rate(make(), events, lines)
    const groups = new Set(keys).size
    results.push({ name, input, accuracy, groups, linesPerSecond: wall, linesPerCpuSecond: cpu })
    process.stdout.write(
      `${name.padEnd(28)} ${input.padEnd(16)} ${accuracy.toFixed(4).padStart(8)} ${String(groups).padStart(7)} ${thousands(wall)} ${thousands(cpu)}\n`,
    )
    if (verbose && name.startsWith('alims')) {
      for (const [label, set] of wrongLabels(keys, truth)) {
        process.stdout.write(`    wrong: ${label} in ${set.size} group(s)\n`)
      }
    }
  }
}
// Classification runs on every event before grouping; its cost beside grouping's.
const rules = defaultRuleSet()
const [classifyWall, classifyCpu] = rate((e) => rules.classify(e).rule ?? '', parsed.events, lines)
results.push({
  name: 'classify, built-in rules',
  input: 'alims parsers',
  accuracy: null,
  groups: null,
  linesPerSecond: classifyWall,
  linesPerCpuSecond: classifyCpu,
})
process.stdout.write(
  `${'classify, built-in rules'.padEnd(28)} ${'alims parsers'.padEnd(16)} ${'-'.padStart(8)} ${'-'.padStart(7)} ${thousands(classifyWall)} ${thousands(classifyCpu)}\n`,
)
process.stdout.write(
  `\naccuracy: share of events whose group holds exactly the events of their label in their service (target >= 0.95)\n` +
    `raw lines: no parser, the whole line is the message; given messages: the message each line was made from;\n` +
    `alims parsers: the worker's own split and parse stage (${parsed.split} extra events inside records, ${parsed.merged} records joined to the previous one)\n`,
)
reportJson('grouping', { events: corpus.length, lines, formats, results })
