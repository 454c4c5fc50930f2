import {
  appendFileSync,
  mkdirSync,
  closeSync,
  copyFileSync,
  openSync,
  renameSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { registry } from '../../../src/observability/metrics.js'
import { joiningAssemblers, lineAssemblers, waitFor } from '../../helpers/ingest-doubles.js'

import { TailFixture } from './tail-fixture.js'

let fx: TailFixture

beforeEach(() => {
  fx = new TailFixture()
})

afterEach(async () => {
  await fx.close()
})

const count = (n: number) => () => fx.sink.events.length >= n

async function skippedCount(reason: string): Promise<number> {
  const metric = await registry.getSingleMetric('alims_lines_skipped_total')?.get()

  return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0
}

describe('Tailer', () => {
  it('reads existing files from the start, then appended lines and new files', async () => {
    const app = fx.path('app.log')
    writeFileSync(app, 'one\ntwo\n')
    fx.start()
    await waitFor(count(2))

    appendFileSync(app, 'three\n')
    writeFileSync(fx.path('new.log'), 'fresh\n')
    await waitFor(count(4))

    expect(fx.sink.texts(app)).toEqual(['one', 'two', 'three'])
    expect(fx.sink.texts(fx.path('new.log'))).toEqual(['fresh'])
    expect(fx.sink.events.map((e) => [e.offset, e.end, e.line]).slice(0, 3)).toEqual([
      [0, 4, 1],
      [4, 8, 2],
      [8, 14, 3],
    ])
  })

  it('finds files in folders created after it started, under a ** glob', async () => {
    fx.start({ globs: [fx.path('logs/**/*.log')] })
    mkdirSync(fx.path('logs/api/v2'), { recursive: true })
    writeFileSync(fx.path('logs/api/v2/deep.log'), 'deep\n')
    writeFileSync(fx.path('logs/top.log'), 'top\n')
    writeFileSync(fx.path('logs/api/ignored.txt'), 'not a log\n')
    await waitFor(count(2))

    expect(fx.sink.texts().sort()).toEqual(['deep', 'top'])
  })

  it('starts at the end of files found at start-up when startAt is end', async () => {
    writeFileSync(fx.path('old.log'), 'backlog\n')
    const tailer = fx.start({ startAt: 'end' })
    await tailer.settled()
    appendFileSync(fx.path('old.log'), 'live\n')
    writeFileSync(fx.path('later.log'), 'new file from 0\n')
    await waitFor(count(2))

    expect(fx.sink.texts().sort()).toEqual(['live', 'new file from 0'])
  })

  it('drains a file renamed away through its handle, then reads the new file from 0', async () => {
    const app = fx.path('app.log')
    writeFileSync(app, 'a1\n')
    const writer = openSync(app, 'a')
    fx.start()
    await waitFor(count(1))

    renameSync(app, fx.path('app.log-2024')) // not matched by the glob
    writeSync(writer, 'a2 written after the rename\n')
    closeSync(writer)
    writeFileSync(app, 'b1\n')
    await waitFor(count(3))
    await waitFor(() => fx.logLines.some((l) => l.includes('file drained and closed')))

    expect(fx.sink.texts()).toEqual(
      expect.arrayContaining(['a1', 'a2 written after the rename', 'b1']),
    )
    expect(fx.sink.events).toHaveLength(3)
  })

  it('does not read a rotated sibling that matches the glob twice', async () => {
    const app = fx.path('app.log')
    writeFileSync(app, 'first\n')
    const tailer = fx.start({ globs: [fx.path('app.log*')] })
    await waitFor(count(1))

    renameSync(app, fx.path('app.log.1'))
    appendFileSync(fx.path('app.log.1'), 'late line of the old file\n')
    writeFileSync(app, 'second\n')
    await waitFor(count(3))
    await tailer.settled()
    await tailer.settled()

    expect(fx.sink.texts().sort()).toEqual(['first', 'late line of the old file', 'second'])
    expect(
      tailer
        .sources()
        .map((s) => s.path)
        .sort(),
    ).toEqual([app, fx.path('app.log.1')])
  })

  it('reads a file again from 0 after copytruncate and counts bytes it could not read', async () => {
    const app = fx.path('app.log')
    writeFileSync(app, 'before 1\nbefore 2\n')
    const tailer = fx.start()
    await waitFor(count(2))

    copyFileSync(app, fx.path('app.log.1'))
    truncateSync(app, 0)
    appendFileSync(app, 'after\n')
    await waitFor(count(3))

    expect(fx.sink.texts(app)).toEqual(['before 1', 'before 2', 'after'])
    await tailer.settled()
    const current = tailer.sources().find((s) => s.path === app)
    expect(current?.offset).toBe(6)
  })

  it('skips the NUL hole a writer without O_APPEND leaves after copytruncate', async () => {
    const app = fx.path('app.log')
    const writer = openSync(app, 'w')
    writeSync(writer, 'line one\nline two\n')
    const tailer = fx.start()
    await waitFor(count(2))

    copyFileSync(app, fx.path('app.log.1'))
    truncateSync(app, 0)
    // The writer's own position is still 18: the file gets a hole of 18 NUL bytes.
    writeSync(writer, 'line three\n')
    closeSync(writer)
    await waitFor(count(3))
    await tailer.settled()

    expect(fx.sink.texts(app)).toEqual(['line one', 'line two', 'line three'])
    expect(fx.sink.events[2]).toMatchObject({ offset: 18, end: 29, line: 1 })
    expect(tailer.sources().find((s) => s.path === app)?.skipped).toMatchObject({ nul_bytes: 18 })
  })

  it('counts and logs the bytes lost when a file is truncated before it was read', async () => {
    const app = fx.path('app.log')
    writeFileSync(app, 'seen\n')
    const tailer = fx.start({ pollMs: 60_000, rescanMs: 60_000 })
    await waitFor(count(1))
    await tailer.stop()

    appendFileSync(app, 'never read\n')
    const stored = fx.sink.stored().map((c) => ({ ...c, size: 16 }))
    truncateSync(app, 0)
    appendFileSync(app, 'x\n')
    const restarted = fx.start({}, stored)
    await waitFor(count(2))
    await restarted.settled()

    expect(fx.sink.texts(app)).toEqual(['seen', 'x'])
    const row = [...fx.sink.checkpoints.values()].find((c) => c.path === app && c.offset === 2)
    expect(row?.skipped.lost_bytes).toBe(11)
    expect(
      fx.loud().some((l) => l.msg === 'file truncated or replaced while stopped' && l.lost === 11),
    ).toBe(true)
  })

  it('drains a deleted file through its handle', async () => {
    const app = fx.path('app.log')
    writeFileSync(app, 'kept\n')
    const writer = openSync(app, 'a')
    fx.start()
    await waitFor(count(1))

    unlinkSync(app)
    writeSync(writer, 'written after unlink\n')
    closeSync(writer)
    await waitFor(count(2))
    await waitFor(() => fx.logLines.some((l) => l.includes('file drained and closed')))

    expect(fx.sink.texts()).toEqual(['kept', 'written after unlink'])
  })

  it('treats a deleted and re-created file as new even when it gets the same inode', async () => {
    const app = fx.path('app.log')
    writeFileSync(app, 'generation 1\n')
    const tailer = fx.start({ pollMs: 60_000, rescanMs: 60_000 })
    await waitFor(count(1))
    await tailer.stop()

    unlinkSync(app)
    writeFileSync(app, 'generation 2 is longer\n')
    fx.start({}, fx.sink.stored())
    await waitFor(count(2))

    expect(fx.sink.texts()).toEqual(['generation 1', 'generation 2 is longer'])
  })

  it('reads a file reached through a symlink once', async () => {
    const target = fx.path('target.log')
    writeFileSync(target, 'only once\n')
    symlinkSync(target, fx.path('link.log'))
    const tailer = fx.start()
    await waitFor(count(1))
    appendFileSync(target, 'still once\n')
    await waitFor(count(2))
    await tailer.settled()

    expect(fx.sink.texts()).toEqual(['only once', 'still once'])
    expect(tailer.sources()).toHaveLength(1)
  })

  it('resumes exactly at the checkpoint, with a held stack trace crossing the restart', async () => {
    const app = fx.path('app.log')
    writeFileSync(app, 'INFO start\nERROR boom\n  at a()\n')
    const assemblers = joiningAssemblers(60_000)
    const first = fx.start({ assemblers })
    await waitFor(count(1))
    await first.settled()
    await first.stop()

    const stored = fx.sink.stored()
    expect(stored[0]).toMatchObject({ offset: 11, linesRead: 1 })
    appendFileSync(app, '  at b()\nINFO next\n')
    fx.start({ assemblers }, stored)
    await waitFor(count(2))

    expect(fx.sink.events.map((e) => [e.raw, e.line])).toEqual([
      ['INFO start', 1],
      ['ERROR boom\n  at a()\n  at b()', 2],
    ])
  })

  it('resumes before a line still waiting for its newline at the restart', async () => {
    const app = fx.path('app.log')
    writeFileSync(app, 'one\npart')
    const first = fx.start()
    await waitFor(count(1))
    await first.settled()
    await first.stop()

    expect(fx.sink.stored()[0]).toMatchObject({ offset: 4, size: 8, linesRead: 1 })
    appendFileSync(app, ' and rest\n')
    fx.start({}, fx.sink.stored())
    await waitFor(count(2))

    expect(fx.sink.events.map((e) => [e.raw, e.offset, e.end, e.line])).toEqual([
      ['one', 0, 4, 1],
      ['part and rest', 4, 18, 2],
    ])
  })

  it('hands on a line without newline after the idle time, then only its rest', async () => {
    const app = fx.path('app.log')
    writeFileSync(app, 'no newline yet')
    fx.start({ partialAfterMs: 50 })
    await waitFor(count(1))
    appendFileSync(app, ' and the rest\n')
    await waitFor(count(2))

    expect(fx.sink.events.map((e) => [e.raw, e.offset, e.end, e.line])).toEqual([
      ['no newline yet', 0, 14, 1],
      [' and the rest', 14, 28, 1],
    ])
  })

  it('waits for a slow store instead of buffering without limit', async () => {
    const app = fx.path('app.log')
    let open: () => void = () => undefined
    fx.sink.gate = new Promise((resolve) => {
      open = resolve
    })
    writeFileSync(app, Array.from({ length: 20_000 }, (_, i) => `line ${i}`).join('\n') + '\n')
    const tailer = fx.start({ batchEvents: 500, chunkBytes: 4096 })
    await waitFor(() => (tailer.sources()[0]?.offset ?? 0) > 0)
    const reachedFirst = tailer.sources()[0]?.offset ?? 0
    await new Promise((r) => setTimeout(r, 200))

    // The first batch waits in the store, so reading stopped after that batch's last read:
    // 500 lines plus at most one 4 KiB read of the 20,000 lines (about 209 KB).
    expect(fx.sink.events).toHaveLength(0)
    expect(tailer.sources()[0]?.offset).toBe(reachedFirst)
    expect(reachedFirst).toBeLessThanOrEqual(500 * 11 + 4096)
    fx.sink.gate = null
    open()
    await waitFor(count(20_000))

    expect(fx.sink.largestBatch).toBeLessThanOrEqual(500 + Math.ceil(4096 / 7))
    expect(new Set(fx.sink.texts()).size).toBe(20_000)
  })

  it('stores every line once after the store failed and recovered', async () => {
    const app = fx.path('app.log')
    fx.sink.failures = 2
    writeFileSync(app, 'a\nb\nc\n')
    fx.start({ retryMs: 10 })
    await waitFor(count(3))
    appendFileSync(app, 'd\n')
    await waitFor(count(4))

    expect(fx.sink.texts()).toEqual(['a', 'b', 'c', 'd'])
    expect(
      fx
        .loud()
        .some(
          (l) =>
            l.level === 50 && typeof l.msg === 'string' && l.msg.startsWith('tail batch failed'),
        ),
    ).toBe(true)
  })

  it('reads again from the stored checkpoint when a batch fails in the middle of a file', async () => {
    const app = fx.path('app.log')
    writeFileSync(app, Array.from({ length: 40 }, (_, i) => `l${i}`).join('\n') + '\n')
    fx.sink.failures = 1
    fx.start({ retryMs: 10, batchEvents: 3, chunkBytes: 8 })
    await waitFor(count(40))

    expect(fx.sink.texts()).toEqual(Array.from({ length: 40 }, (_, i) => `l${i}`))
  })

  it('warns once about a file it cannot follow and follows it once it can', async () => {
    const bad = fx.path('bad.log')
    writeFileSync(bad, 'held back\n')
    writeFileSync(fx.path('good.log'), 'visible\n')
    let refuse = true
    const lines = lineAssemblers()
    const tailer = fx.start({
      rescanMs: 20,
      assemblers: (source) => {
        if (refuse && source.path === bad) throw new Error('format of bad.log is unknown')

        return lines(source)
      },
    })
    await waitFor(count(1))
    for (let i = 0; i < 5; i++) await tailer.settled()

    const refusals = fx.loud().filter((l) => l.msg === 'file not followed')
    expect(refusals).toHaveLength(1)
    expect(refusals[0]).toMatchObject({ file: bad, level: 40 })
    refuse = false
    await waitFor(count(2))
    expect(fx.sink.texts(bad)).toEqual(['held back'])
  })

  it('follows more files than it keeps open', async () => {
    for (let i = 0; i < 30; i++) writeFileSync(fx.path(`f${i}.log`), `file ${i} line 1\n`)
    fx.start({ maxOpenFiles: 4 })
    await waitFor(count(30))
    for (let i = 0; i < 30; i++) appendFileSync(fx.path(`f${i}.log`), `file ${i} line 2\n`)
    await waitFor(count(60))

    for (let i = 0; i < 30; i++) {
      expect(fx.sink.texts(fx.path(`f${i}.log`))).toEqual([`file ${i} line 1`, `file ${i} line 2`])
    }
  })

  it('logs where bad lines are and why, never their text', async () => {
    const app = fx.path('app.log')
    const secret = 'password=hunter2'
    writeFileSync(
      app,
      Buffer.concat([
        Buffer.from(`${secret} `),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(`\n${secret}${'x'.repeat(3000)}\n`),
      ]),
    )
    const before = await skippedCount('truncated_line')
    fx.start({ maxLineBytes: 1024 })
    await waitFor(count(2))

    expect(fx.sink.events[0]?.raw).toBe(`${secret} \uFFFD\uFFFD`)
    expect(fx.sink.events[1]?.raw).toMatch(/…\[truncated 1992 bytes\]$/)
    const loud = fx.loud()
    expect(loud.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['invalid utf-8 replaced', 'line truncated']),
    )
    expect(loud.find((l) => l.msg === 'line truncated')).toMatchObject({
      file: app,
      offset: 20,
      length: 3017,
    })
    expect(await skippedCount('truncated_line')).toBe(before + 1)
    expect(fx.logLines.join('\n')).not.toContain('hunter2')
  })
})
