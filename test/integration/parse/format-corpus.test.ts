import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import type { LogEvent } from '../../../src/ingest/event.js'
import { createAssembler } from '../../../src/ingest/parse/index.js'
import { readFilesOnce } from '../../../src/ingest/tail/read-files-once.js'
import { createLogger } from '../../../src/observability/logger.js'

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'formats')

interface Expected {
  line: number
  level: string
  format?: string
  service?: string
  /** ISO 8601; without a zone it is local time, as the parser reads zone-less times. */
  timestamp?: string
  message?: string
  /** Lines joined into the event (stack traces). */
  lines?: number
}

/** Reads a fixture through the worker's one-shot reader, split, join and parse stages. */
async function read(path: string): Promise<LogEvent[]> {
  const events: LogEvent[] = []
  await readFilesOnce({
    paths: [path],
    assemblers: (source) => createAssembler(source),
    sink: {
      commit(batch) {
        events.push(...batch.events)

        return Promise.resolve()
      },
    },
    log: createLogger({ level: 'silent' }),
  })

  return events
}

function expectedOf(path: string): Expected[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { events: Expected[] }).events
}

function view(event: LogEvent, expected: Expected): Record<string, unknown> {
  const actual: Record<string, unknown> = { line: event.line, level: event.level }
  if (expected.format !== undefined) actual.format = event.format
  if (expected.service !== undefined) actual.service = event.service
  if (expected.message !== undefined) actual.message = event.message
  if (expected.lines !== undefined) actual.lines = event.raw.split('\n').length
  if (expected.timestamp !== undefined) {
    actual.timestamp = event.hasTimestamp ? event.timestamp : 'none'
  }

  return actual
}

function wanted(expected: Expected): Record<string, unknown> {
  const { timestamp, ...rest } = expected

  return timestamp === undefined ? rest : { ...rest, timestamp: new Date(timestamp).getTime() }
}

function cases(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.log'))
    .map((name) => name.slice(0, -'.log'.length))
}

describe('format fixture corpus', () => {
  for (const name of cases(FIXTURES)) {
    it(`reads every line of ${name}.log with its expected level, format, service and time`, async () => {
      // One event per line; a JSON-looking line is handed on before a held plain line.
      const events = (await read(join(FIXTURES, `${name}.log`))).sort((a, b) => a.line - b.line)
      const expected = expectedOf(join(FIXTURES, `${name}.expected.json`))
      const lines = readFileSync(join(FIXTURES, `${name}.log`), 'utf8')
        .trimEnd()
        .split('\n')

      expect(expected).toHaveLength(lines.length)
      expect(events.map((event, i) => view(event, expected[i] ?? { line: 0, level: '' }))).toEqual(
        expected.map(wanted),
      )
    })
  }
})

describe('stack trace fixtures', () => {
  const folder = join(FIXTURES, 'traces')
  for (const name of cases(folder)) {
    it(`joins each trace of ${name}.log into one event`, async () => {
      const events = await read(join(folder, `${name}.log`))
      const expected = expectedOf(join(folder, `${name}.expected.json`))

      expect(events.map((event, i) => view(event, expected[i] ?? { line: 0, level: '' }))).toEqual(
        expected.map(wanted),
      )
    })
  }
})
