import { describe, expect, it } from 'vitest'

import { createLogger } from '../../observability/logger.js'
import type { LogEvent } from '../event.js'
import { joiningAssemblers } from '../../../test/helpers/ingest-doubles.js'

import { SourceReader, type ReaderStart } from './source-reader.js'

const identity = { device: '1', inode: '2', headHash: 'h', headLength: 1024 }

function reader(start: Partial<ReaderStart> = {}): SourceReader {
  return new SourceReader(
    {
      path: '/logs/app.log',
      identity,
      offset: 0,
      linesBefore: 0,
      continuation: false,
      resumed: null,
      ...start,
    },
    {
      assembler: joiningAssemblers(1000)({ path: '/logs/app.log' }),
      maxLineBytes: 16,
      partialAfterMs: 5000,
      log: createLogger({ level: 'silent' }),
    },
  )
}

describe('SourceReader', () => {
  it('keeps the checkpoint before an event the assembler still holds', () => {
    const r = reader()
    const events: LogEvent[] = []
    r.consume(Buffer.from('first\nsecond\n  at frame\n'), events, 0)

    expect(events.map((e) => e.raw)).toEqual(['first'])
    expect(r.checkpoint()).toMatchObject({ offset: 6, linesRead: 1, events: 1, size: 24 })

    r.tick(events, 999)
    expect(r.checkpoint().offset).toBe(6)
    r.tick(events, Date.now() + 1000)
    expect(events.map((e) => e.raw)).toEqual(['first', 'second\n  at frame'])
    expect(r.checkpoint()).toMatchObject({ offset: 24, linesRead: 3, events: 2 })
  })

  it('keeps the checkpoint before a line still waiting for its newline', () => {
    const r = reader()
    const events: LogEvent[] = []
    r.consume(Buffer.from('done\nhalf a li'), events, 0)
    r.finish(events, 0)

    expect(events.map((e) => e.raw)).toEqual(['done', 'half a li'])
    expect(r.checkpoint()).toMatchObject({ offset: 14, linesRead: 1, skipped: { partial_line: 1 } })
  })

  it('continues counters of the checkpoint it resumed from and adds its own', () => {
    const resumed = {
      identity: '1:2:h',
      path: '/logs/app.log',
      device: '1',
      inode: '2',
      headHash: 'h',
      offset: 100,
      size: 100,
      linesRead: 10,
      events: 7,
      skipped: { truncated_line: 2, lost_bytes: 5 },
      lastEventAt: 1,
      lastError: 'old',
    }
    const r = reader({ offset: 100, linesBefore: 10, resumed, previousIdentity: '1:2:g' })
    const events: LogEvent[] = []
    r.consume(Buffer.from(`${'x'.repeat(40)}\nnext\n`), events, 0)
    r.finish(events, 0)

    expect(events[0]).toMatchObject({ line: 11, offset: 100 })
    expect(r.checkpoint()).toMatchObject({
      offset: 146,
      linesRead: 12,
      events: 9,
      skipped: { truncated_line: 3, truncated_bytes: 24, lost_bytes: 5 },
      lastError: 'old',
      previousIdentity: '1:2:g',
    })
  })
})
