import { appendFileSync, renameSync, writeFileSync } from 'node:fs'

import { afterEach, beforeEach, expect, it } from 'vitest'

import type { Batch, BatchSink, Checkpoint } from '../../../src/ingest/checkpoint.js'
import type { LogEvent } from '../../../src/ingest/event.js'
import { loadCheckpoints, saveCheckpoints } from '../../../src/ingest/tail/checkpoint-store.js'
import { listSources } from '../../../src/ingest/tail/list-sources.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'
import { joiningAssemblers, waitFor } from '../../helpers/ingest-doubles.js'

import { TailFixture } from './tail-fixture.js'

function checkpoint(overrides: Partial<Checkpoint> = {}): Checkpoint {
  return {
    identity: '2049:77:abc',
    path: '/var/log/app.log',
    device: '2049',
    inode: '77',
    headHash: 'abc',
    headLength: 1024,
    offset: 120,
    size: 500,
    linesRead: 3,
    events: 2,
    skipped: { truncated_line: 1 },
    lastEventAt: 1_700_000_000_000,
    lastError: null,
    ...overrides,
  }
}

/** Stores events' checkpoints in the database in one transaction per batch, as the store does. */
class DatabaseSink implements BatchSink<LogEvent> {
  readonly events: LogEvent[] = []

  constructor(readonly test: TestDatabase) {}

  async commit(batch: Batch<LogEvent>): Promise<void> {
    await this.test.database.transaction(async (tx) => {
      await saveCheckpoints(tx, batch.checkpoints)
    })
    this.events.push(...batch.events)
  }
}

describeEachDialect('checkpoint store', (dialect) => {
  let test: TestDatabase
  let fx: TailFixture

  beforeEach(async () => {
    test = await createTestDatabase(dialect)
    fx = new TailFixture()
  })

  afterEach(async () => {
    await fx.close()
    await test.cleanup()
  })

  it('saves checkpoints and loads them back, one row per identity', async () => {
    await test.database.transaction((tx) => saveCheckpoints(tx, [checkpoint()]))
    await test.database.transaction((tx) =>
      saveCheckpoints(tx, [
        checkpoint({ offset: 300, linesRead: 9, lastError: 'read failed: EACCES' }),
      ]),
    )

    expect(await loadCheckpoints(test.database.db)).toEqual([
      checkpoint({ offset: 300, linesRead: 9, lastError: 'read failed: EACCES' }),
    ])
  })

  it('replaces the row of a file whose head grew instead of adding one', async () => {
    const small = checkpoint({ identity: '2049:77:aa', headHash: 'aa', headLength: 10, offset: 10 })
    await test.database.transaction((tx) => saveCheckpoints(tx, [small]))
    const grown = checkpoint({
      identity: '2049:77:bb',
      headHash: 'bb',
      headLength: 1024,
      previousIdentity: '2049:77:aa',
    })
    await test.database.transaction((tx) => saveCheckpoints(tx, [grown]))

    const rows = await loadCheckpoints(test.database.db)
    expect(rows.map((r) => [r.identity, r.headLength, r.offset])).toEqual([
      ['2049:77:bb', 1024, 120],
    ])
  })

  it('stores nothing when the transaction fails', async () => {
    await expect(
      test.database.transaction(async (tx) => {
        await saveCheckpoints(tx, [checkpoint()])
        throw new Error('incident write failed')
      }),
    ).rejects.toThrow('incident write failed')

    expect(await loadCheckpoints(test.database.db)).toEqual([])
  })

  it('resumes each file exactly at its stored checkpoint after a restart', async () => {
    const sink = new DatabaseSink(test)
    const app = fx.path('app.log')
    const other = fx.path('other.log')
    writeFileSync(app, 'INFO one\nERROR two\n  at frame()\n')
    writeFileSync(other, 'x1\n')
    const assemblers = joiningAssemblers(60_000)
    const first = fx.start({ sink, assemblers })
    await waitFor(() => sink.events.length >= 1)
    await first.settled()
    await first.stop()

    appendFileSync(app, '  at caller()\nINFO three\n')
    appendFileSync(other, 'x2\n')
    const stored = await loadCheckpoints(test.database.db)
    const second = fx.start({ sink, assemblers }, stored)
    await waitFor(() => sink.events.length >= 3)
    await second.settled()

    // Each file's last event waits for the line after it, as a stack trace would.
    expect(sink.events.map((e) => [e.source === app ? 'app' : 'other', e.raw, e.line])).toEqual([
      ['app', 'INFO one', 1],
      ['app', 'ERROR two\n  at frame()\n  at caller()', 2],
      ['other', 'x1', 1],
    ])
    const rows = await loadCheckpoints(test.database.db)
    expect(
      rows.map((r) => [r.path === app ? 'app' : 'other', r.offset, r.linesRead]).sort(),
    ).toEqual([
      ['app', 46, 4],
      ['other', 3, 1],
    ])
  })

  it('lists each watched path with its offset, size, lag, skips and errors', async () => {
    const sink = new DatabaseSink(test)
    const app = fx.path('app.log')
    writeFileSync(app, `ok\n${'y'.repeat(2000)}\n`)
    const tailer = fx.start({ sink, maxLineBytes: 1024 })
    await waitFor(() => sink.events.length >= 2)
    await tailer.settled()
    renameSync(app, fx.path('app.log.1.gz'))
    writeFileSync(app, 'new\n')
    await waitFor(() => sink.events.length >= 3)
    await tailer.settled()
    await tailer.stop()
    appendFileSync(app, 'not read yet\n')

    const sources = await listSources(test.database.db)
    expect(sources).toHaveLength(1)
    expect(sources[0]).toMatchObject({
      path: app,
      offset: 4,
      size: 17,
      lag: 13,
      linesRead: 1,
      events: 1,
      present: true,
      lastError: null,
    })
    const rotated = (await loadCheckpoints(test.database.db)).find((c) => c.offset === 2004)
    expect(rotated?.skipped).toMatchObject({ truncated_line: 1, truncated_bytes: 976 })
  })
})
