import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { createAssembler } from '../../../src/ingest/parse/index.js'
import { readFilesOnce } from '../../../src/ingest/tail/read-files-once.js'
import { truncationMarker } from '../../../src/ingest/split/line-splitter.js'
import { createLogger } from '../../../src/observability/logger.js'
import { lineAssemblers, RecordingSink } from '../../helpers/ingest-doubles.js'

let dir: string
const log = createLogger({ level: 'silent' })

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alims-once-'))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('readFilesOnce', () => {
  it('reads files to their end in batches and hands on a last line without newline', async () => {
    const path = join(dir, 'app.log')
    writeFileSync(
      path,
      Array.from({ length: 2500 }, (_, i) => `line ${i}`).join('\n') + '\nno newline',
    )
    const sink = new RecordingSink()
    const [result] = await readFilesOnce({
      paths: [path],
      assemblers: lineAssemblers(),
      sink,
      log,
      batchEvents: 1000,
      chunkBytes: 4096,
    })

    expect(sink.events).toHaveLength(2501)
    // A batch closes after the read that filled it: at most one read's lines (≤ 4096/7) over.
    expect(sink.commits).toBeGreaterThanOrEqual(3)
    expect(sink.largestBatch).toBeLessThanOrEqual(1000 + Math.ceil(4096 / 7))
    expect(sink.events[2500]).toMatchObject({ raw: 'no newline', line: 2501 })
    expect(result).toMatchObject({ path, from: 0, lines: 2500, events: 2501 })
    expect(result?.to).toBe(sink.stored()[0]?.offset)
  })

  it('resumes from a checkpoint and reads only what follows it, reporting only this read', async () => {
    const path = join(dir, 'app.log')
    writeFileSync(path, Buffer.from('a\nb\xff\n', 'latin1'))
    const sink = new RecordingSink()
    const [first] = await readFilesOnce({ paths: [path], assemblers: lineAssemblers(), sink, log })
    writeFileSync(path, Buffer.from('a\nb\xff\nc\n', 'latin1'))
    const [second] = await readFilesOnce({
      paths: [path],
      assemblers: lineAssemblers(),
      sink,
      log,
      checkpoints: sink.stored(),
    })

    expect(sink.events.map((e) => [e.raw, e.line])).toEqual([
      ['a', 1],
      ['b\uFFFD', 2],
      ['c', 3],
    ])
    expect(first).toMatchObject({ lines: 2, events: 2, skipped: { invalid_utf8: 1 } })
    expect(second).toMatchObject({ from: 5, to: 7, lines: 1, events: 1, skipped: {} })
    expect(sink.stored()[0]?.skipped).toEqual({ invalid_utf8: 1 })
  })

  it('decodes a character split across a read boundary and marks invalid bytes', async () => {
    const path = join(dir, 'app.log')
    const bytes = Buffer.concat([Buffer.from('ab€'), Buffer.from([0xc3]), Buffer.from('\nok\n')])
    writeFileSync(path, bytes)
    const sink = new RecordingSink()
    // 3-byte reads put the boundary inside the euro sign (bytes 2-4).
    await readFilesOnce({ paths: [path], assemblers: lineAssemblers(), sink, log, chunkBytes: 3 })

    expect(sink.texts()).toEqual(['ab€\uFFFD', 'ok'])
    expect(sink.stored()[0]?.skipped).toEqual({ invalid_utf8: 1 })
  })

  it('truncates a 10 MB line and keeps reading after it', async () => {
    const path = join(dir, 'big.log')
    writeFileSync(
      path,
      Buffer.concat([Buffer.alloc(10 * 1024 * 1024, 'z'), Buffer.from('\nafter\n')]),
    )
    const sink = new RecordingSink()
    await readFilesOnce({
      paths: [path],
      assemblers: lineAssemblers(),
      sink,
      log,
      maxLineBytes: 1024 * 1024,
    })

    expect(sink.events).toHaveLength(2)
    expect(sink.events[0]?.raw).toBe('z'.repeat(1024 * 1024) + truncationMarker(9 * 1024 * 1024))
    expect(sink.events[1]).toMatchObject({ raw: 'after', offset: 10 * 1024 * 1024 + 1, line: 2 })
  })

  it('parses with the product assembler, joining a stack trace into one event', async () => {
    const path = join(dir, 'java.log')
    writeFileSync(
      path,
      [
        '2024-05-01 10:00:00,000 INFO [main] com.acme.App - started',
        '2024-05-01 10:00:01,000 ERROR [main] com.acme.App - request failed',
        'java.lang.IllegalStateException: boom',
        '\tat com.acme.App.handle(App.java:10)',
        '\tat com.acme.App.main(App.java:5)',
        '2024-05-01 10:00:02,000 INFO [main] com.acme.App - recovered',
        '',
      ].join('\n'),
    )
    const sink = new RecordingSink()
    await readFilesOnce({
      paths: [path],
      assemblers: (source) => createAssembler(source),
      sink,
      log,
    })

    expect(sink.events.map((e) => [e.level, e.line])).toEqual([
      ['info', 1],
      ['error', 2],
      ['info', 6],
    ])
    expect(sink.events[1]?.raw.split('\n')).toHaveLength(4)
    expect(sink.stored()[0]?.offset).toBe(sink.events[2]?.end)
  })

  it('refuses with SOURCE_UNREADABLE before reading anything when a file is missing', async () => {
    const path = join(dir, 'app.log')
    writeFileSync(path, 'a\n')
    const sink = new RecordingSink()
    const reading = readFilesOnce({
      paths: [path, join(dir, 'missing.log')],
      assemblers: lineAssemblers(),
      sink,
      log,
    })

    await expect(reading).rejects.toMatchObject({
      code: 'SOURCE_UNREADABLE',
      field: join(dir, 'missing.log'),
    })
    expect(sink.events).toHaveLength(0)
  })
})
