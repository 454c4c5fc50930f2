import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'

import { createLogger } from '../../observability/logger.js'
import { Grouper } from '../group/index.js'
import { createAssembler } from '../parse/index.js'
import { readFilesOnce } from '../tail/read-files-once.js'

import { defaultRuleSet } from './default-rules.js'
import type { LineGate } from './line-gate.js'
import { parseRules } from './parse-rules.js'
import { RuleSet } from './rule-set.js'

const log = createLogger({ level: 'silent' })
const dir = mkdtempSync(join(tmpdir(), 'alims-gate-'))
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function ruleSet(yaml: string): RuleSet {
  return new RuleSet(parseRules(yaml, 'test'), 'test')
}

/** Whether the default gate passes over `line` when an ordinary line follows it. */
function passedOver(line: string, gate: LineGate | null = defaultRuleSet().gate): boolean {
  if (gate === null) throw new Error('no gate')
  const bytes = Buffer.from(`${line}\nnext line\n`)

  return gate.passesOver(bytes, 0, Buffer.byteLength(line), Buffer.byteLength(line) + 1)
}

function newlineOffsets(bytes: Buffer): number[] {
  const offsets: number[] = []
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) offsets.push(at)

  return offsets
}

/** What the rules make of a file: every incident candidate and the number of events. */
async function outcome(path: string, rules: RuleSet, gated: boolean, chunkBytes: number) {
  const grouper = new Grouper()
  const found: string[] = []
  const newlines = newlineOffsets(readFileSync(path))
  let events = 0
  await readFilesOnce({
    paths: [path],
    assemblers: (source) => createAssembler(source),
    log,
    chunkBytes,
    // Small batches: many checkpoints, taken while events are held across lines.
    batchEvents: 2,
    ...(gated ? { gate: () => rules.gate } : {}),
    sink: {
      commit(batch) {
        events += batch.events.length + (batch.gated ?? 0)
        for (const event of batch.events) {
          const verdict = rules.classify(event)
          if (verdict.severity === null) continue
          const { fingerprint } = grouper.group(event)
          const where = `${event.offset} line ${event.line}`
          found.push(`${where} ${verdict.severity} ${verdict.rule ?? ''} ${fingerprint}`)
        }
        // A resumed read numbers lines from the checkpoint's count: it must be exact.
        for (const checkpoint of batch.checkpoints) {
          const before = newlines.filter((at) => at < checkpoint.offset).length
          expect(checkpoint.linesRead, `lines before ${checkpoint.offset}`).toBe(before)
        }

        return Promise.resolve()
      },
    },
  })

  return { found, events }
}

describe('line gate of the built-in rules', () => {
  it('passes over ordinary lines in every common shape', () => {
    for (const line of [
      '2024-12-03 08:00:01.123 INFO [main] checkout - order placed for customer 42',
      '{"level":30,"time":1733212800000,"pid":81,"service":"auth","msg":"session renewed 7"}',
      'ts=2024-12-03T08:00:00Z level=info msg="cache refreshed for tenant 9"',
      '10.1.2.3 - - [03/Dec/2024:08:00:00 +0000] "GET /health HTTP/1.1" 200 12 "-" "curl/8"',
      'I1203 08:00:00.000000 42 main.go:10] listening',
      'I, [2024-12-03T08:00:00.123456 #42]  INFO -- app: booted',
    ]) {
      expect(passedOver(line), line).toBe(true)
    }
  })

  it('keeps lines with a level of warning or worse, however it is written', () => {
    for (const line of [
      '2024-12-03 08:00:01 WARN slow query took 812 ms',
      'something went wrong: Err 12',
      '{"level":50,"msg":"write failed"}',
      '{"level": "E", "msg":"x"}',
      '{"PRIORITY":"3","MESSAGE":"x"}',
      '{"severity":4,"msg":"x"}',
      'ts=1 level=e msg=x',
      'ts=1 lvl=40 msg=x',
      '<11>Dec  3 08:00:00 host app[1]: x',
      'E1203 08:00:00.000000 42 main.go:10] boom',
      'W, [2024-12-03T08:00:00.123456 #42]  WARN -- app: x',
      '10.1.2.3 - - [03/Dec/2024:08:00:00 +0000] "GET / HTTP/1.1" 503 12',
      '10.1.2.3 - - [03/Dec/2024:08:00:00 +0000] "GET / HTTP/1.1" 404 12',
      '[Tue Dec 03 08:00:00 2024] [core:crit] x',
      'Alert raised by the monitor',
    ]) {
      expect(passedOver(line), line).toBe(false)
    }
  })

  it('keeps lines with a word of the rules or a trace opening, and JSON escapes', () => {
    for (const line of [
      'job 12 FAILED after 3 tries',
      'upstream TimeOut reached',
      'java.lang.IllegalStateException: boom',
      'Traceback (most recent call last):',
      'SIGSEGV: segmentation violation',
      'goroutine 7 [running]:',
      '{"msg":"upstream \\u0074imeout"}',
    ]) {
      expect(passedOver(line), line).toBe(false)
    }
  })

  it('keeps a line that a following line could join, and the last line it can see', () => {
    const gate = defaultRuleSet().gate
    if (gate === null) throw new Error('no gate')
    const check = (text: string) => {
      const bytes = Buffer.from(text)
      const end = text.indexOf('\n')

      return gate.passesOver(bytes, 0, end, end + 1)
    }

    expect(check('plain record\n\tat com.acme.Main.run(Main.java:1)\n')).toBe(false)
    expect(check('plain record\n\n')).toBe(false)
    expect(check('plain record\nCaused by: x\n')).toBe(false)
    expect(check('plain record\n... 3 more\n')).toBe(false)
    expect(check('plain record\n')).toBe(false)
    // JSON records never join: the line after them decides.
    expect(check('plain record\n{"level":30}\n  more\n')).toBe(false)
    expect(check('plain record\n{"level":30}\nnext record\n')).toBe(true)
  })
})

describe('line gate scanning a whole read', () => {
  // What scanLine must find at `start`: the next newline and what passesOver says there.
  function reference(gate: LineGate, bytes: Uint8Array, start: number): [number, boolean] {
    const newline = bytes.indexOf(10, start)
    if (newline === -1) return [-1, false]
    const end = newline > start && bytes[newline - 1] === 13 ? newline - 1 : newline

    return [newline, gate.passesOver(bytes, start, end, newline + 1)]
  }

  function agrees(gate: LineGate, bytes: Uint8Array): void {
    let start = 0
    while (start <= bytes.length) {
      const newline = gate.scanLine(bytes, start)
      expect([newline, gate.passedOver], `line at ${start}`).toEqual(reference(gate, bytes, start))
      if (newline === -1) break
      start = newline + 1
    }
  }

  // Bytes that mean something to the gate, so that random reads hit its every branch.
  const bytePieces = fc.constantFrom(
    ...['\n', '\r', '\r\n', ' ', '\t', '<', '{', '}', '"', ':', ',', '=', '\\u', 'E', 'W,'],
    ...['E1', 'level', 'Level"', 'lvl=', 'at=', 'severity":', '" ', '404', '200', '50', '"E"'],
    ...['warn', 'ERR', 'fail', 'x', '3', 'Caused by: ', '... ', 'goroutine ', 'SIG', 'é', '\0'],
  )

  it('finds the same line ends and decisions as passesOver, on random bytes', () => {
    const gates = [
      defaultRuleSet().gate,
      ruleSet('rules:\n  - minLevel: info\n    words: [disk full]\n    severity: HIGH\n').gate,
    ]
    fc.assert(
      fc.property(
        fc.array(fc.oneof(bytePieces, fc.integer({ min: 0, max: 255 })), { maxLength: 60 }),
        (parts) => {
          const bytes = Buffer.concat(
            parts.map((part) => (typeof part === 'number' ? Buffer.of(part) : Buffer.from(part))),
          )
          for (const gate of gates) if (gate !== null) agrees(gate, bytes)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('finds the same line ends and decisions as passesOver, on the format corpus', () => {
    const gate = defaultRuleSet().gate
    if (gate === null) throw new Error('no gate')
    const fixtures = join(import.meta.dirname, '../../../test/fixtures/formats')
    for (const name of readdirSync(fixtures).filter((file) => file.endsWith('.log'))) {
      agrees(gate, readFileSync(join(fixtures, name)))
    }
  })
})

describe('line gate of other rules', () => {
  it('looks for the words of a rule in any case', () => {
    const rules = ruleSet(
      'rules:\n  - minLevel: info\n    words: [disk full]\n    severity: HIGH\n',
    )

    expect(passedOver('the DISK is full', rules.gate)).toBe(false)
    expect(passedOver('all is well', rules.gate)).toBe(true)
  })

  it('finds every word of rules too many for a one-byte state table', () => {
    // 120 words of 12 letters: well over 256 scanner states, so the table takes two bytes each.
    const words = Array.from({ length: 120 }, (_, i) => `zq${i.toString(26)}`.padEnd(12, 'x'))
    const letters = words.map((word) => word.replace(/[0-9]/g, (d) => 'klmnopqrst'[Number(d)]!))
    const gate = ruleSet(
      `rules:\n  - minLevel: info\n    words: [${letters.join(', ')}]\n    severity: LOW\n`,
    ).gate

    for (const word of letters)
      expect(passedOver(`info job ${word.toUpperCase()} ended`, gate)).toBe(false)
    expect(passedOver(`info job ${letters[7]!.slice(0, 11)} ended`, gate)).toBe(true)
    expect(passedOver('info job ended', gate)).toBe(true)
  })

  it('takes only the access statuses a rule can match', () => {
    const rules = ruleSet(
      "rules:\n  - format: access\n    fields:\n      status: { regex: '^429$' }\n    severity: LOW\n",
    )
    const access = (status: number) =>
      `10.1.2.3 - - [03/Dec/2024:08:00:00 +0000] "GET / HTTP/1.1" ${status} 12`

    expect(passedOver(access(429), rules.gate)).toBe(false)
    expect(passedOver(access(200), rules.gate)).toBe(true)
  })

  it('is absent when a rule can match lines without a level, word or status to look for', () => {
    expect(ruleSet('rules:\n  - service: billing\n    severity: HIGH\n').gate).toBeNull()
    expect(
      ruleSet("rules:\n  - minLevel: info\n    regex: 'x+'\n    severity: LOW\n").gate,
    ).toBeNull()
    expect(
      ruleSet('rules:\n  - minLevel: info\n    words: [café]\n    severity: LOW\n').gate,
    ).toBeNull()
    // Ignore rules make no incident, so they never stop the gate.
    expect(ruleSet('rules:\n  - service: x\n    severity: ignore\n').gate).not.toBeNull()
  })
})

describe('line gate against the whole reading path', () => {
  const fixtures = join(import.meta.dirname, '../../../test/fixtures/formats')
  const files = readdirSync(fixtures).filter((name) => name.endsWith('.log'))

  it('changes no incident candidate of the format corpus, whatever the chunk size', async () => {
    const rules = defaultRuleSet()
    for (const name of files) {
      const path = join(fixtures, name)
      const plain = await outcome(path, rules, false, 1 << 20)
      for (const chunkBytes of [1 << 20, 4096, 97]) {
        const gated = await outcome(path, rules, true, chunkBytes)
        expect(gated.found, `${name}, ${chunkBytes}-byte reads`).toEqual(plain.found)
        expect(gated.events, name).toBe(plain.events)
      }
    }
  })

  // Lines built from pieces of every format, level spellings, trace lines and joins.
  const pieces = fc.constantFrom(
    'INFO ',
    'info ',
    'Warn ',
    'WARNING: ',
    'error',
    'ERR ',
    'Fatal ',
    'crit',
    'alert ',
    'debug ',
    'failed ',
    'TIMEOUT ',
    'exceptional ',
    '{"level":30,"msg":"ok"}',
    '{"level":40,"msg":"slow"}',
    '{"lvl":"E","msg":"x"}',
    '{"msg":"\\u0066ailed"}',
    'level=info msg=x',
    'level=w msg=x',
    'at=error ',
    '<14>Dec  3 08:00:00 h a: ',
    '<11>1 2024-12-03T08:00:00Z h a - - - ',
    'I1203 08:00:00.000000 1 a.go:1] ',
    'E1203 08:00:00.000000 1 a.go:1] ',
    'I, [2024-12-03T08:00:00.1 #1]  INFO -- a: ',
    '1.2.3.4 - - [03/Dec/2024:08:00:00 +0000] "GET / HTTP/1.1" 200 1',
    '1.2.3.4 - - [03/Dec/2024:08:00:00 +0000] "GET / HTTP/1.1" 502 1',
    '\tat com.acme.A.b(A.java:1)',
    '  File "a.py", line 1, in b',
    'Caused by: java.io.IOException: x',
    '... 4 more',
    'Traceback (most recent call last):',
    'KeyError: 1',
    'panic: x',
    'goroutine 1 [running]:',
    'java.lang.RuntimeException: y',
    'order 42 placed',
    'user 7 signed in',
    'Node.js v20.1.0',
    "app/x.rb:12:in `foo'",
    "from app/x.rb:3:in `b'",
    'E, [2024-12-03T08:00:00.1 #1] ERROR -- a: x',
    'I, [2024-12-03T08:00:00.1 #1]  INFO -- a: done',
    '    at f (a.js:1:1)',
    '^',
    'During handling of the above exception, another exception occurred:',
    '[signal SIGSEGV: x]',
    'foo: bar',
    '',
    ' ',
  )
  const line = fc.array(pieces, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(''))

  it('changes no incident candidate of random logs', async () => {
    const rules = defaultRuleSet()
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 40 }),
        fc.constantFrom(64, 301, 1 << 16),
        async (lines, chunkBytes) => {
          const path = join(dir, `random-${run++}.log`)
          writeFileSync(path, `${lines.join('\n')}\n`)
          const plain = await outcome(path, rules, false, 1 << 16)
          const gated = await outcome(path, rules, true, chunkBytes)
          expect(gated.found).toEqual(plain.found)
          expect(gated.events).toBe(plain.events)
        },
      ),
      { numRuns: 300 },
    )
  })
})
