import { afterEach, expect, it } from 'vitest'

import type { Checkpoint } from '../../../src/ingest/checkpoint.js'
import { defaultRuleSet } from '../../../src/ingest/classify/index.js'
import type { LogEvent } from '../../../src/ingest/event.js'
import { Grouper } from '../../../src/ingest/group/index.js'
import { IncidentPipeline, type HoldOptions } from '../../../src/ingest/pipeline.js'
import { IncidentStore } from '../../../src/ingest/store/incident-store.js'
import { saveCheckpoints } from '../../../src/ingest/tail/checkpoint-store.js'
import { createLogger } from '../../../src/observability/logger.js'
import { candidate } from '../../helpers/candidates.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

const logger = createLogger({ level: 'silent' })

function checkpoint(offset: number): Checkpoint {
  return {
    identity: '1:2:abc',
    path: '/var/log/app.log',
    device: '1',
    inode: '2',
    headHash: 'abc',
    offset,
    size: offset,
    linesRead: offset,
    events: offset,
    skipped: {},
    lastEventAt: null,
    lastError: null,
  }
}

function errors(n: number, from: number, message = 'x'): LogEvent[] {
  return Array.from({ length: n }, (_, i) => candidate(message, { offset: from + i }).event)
}

describeEachDialect('incident pipeline holding batches', (dialect) => {
  let test: TestDatabase | undefined

  afterEach(async () => {
    await test?.cleanup()
    test = undefined
  })

  function pipeline(t: TestDatabase, hold?: HoldOptions): IncidentPipeline {
    const store = new IncidentStore({ database: t.database, logger, saveCheckpoints })

    return new IncidentPipeline({
      classifier: defaultRuleSet(),
      grouper: new Grouper({ drain: false }),
      store,
      ...(hold === undefined ? {} : { hold }),
    })
  }

  async function stored(t: TestDatabase) {
    const incidents = await t.database.db.selectFrom('incidents').select('count').execute()
    const offsets = await t.database.db.selectFrom('processed_logs').select('offset').execute()

    return { counts: incidents.map((i) => i.count), offsets: offsets.map((o) => o.offset) }
  }

  it('stores every batch before its commit resolves when it holds nothing', async () => {
    test = await createTestDatabase(dialect)
    const p = pipeline(test)

    await p.commit({ events: errors(2, 0), checkpoints: [checkpoint(10)] })

    expect(await stored(test)).toEqual({ counts: [2], offsets: [10] })
    expect(p.counts().bySeverity.HIGH).toBe(2)
  })

  it('holds batches until enough incident events, then stores them with the newest checkpoint', async () => {
    test = await createTestDatabase(dialect)
    const p = pipeline(test, { candidates: 3, ms: 3_600_000 })

    await p.commit({ events: errors(2, 0), checkpoints: [checkpoint(10)], gated: 5 })
    expect(await stored(test)).toEqual({ counts: [], offsets: [] })
    expect(p.counts().events).toBe(0)

    await p.commit({ events: errors(2, 2), checkpoints: [checkpoint(20)] })
    expect(await stored(test)).toEqual({ counts: [4], offsets: [20] })
    expect(p.counts()).toMatchObject({
      events: 9,
      notIncidents: 5,
      bySeverity: { HIGH: 4 },
      incidentsCreated: 1,
    })
  })

  it('stores held batches once they carry enough fingerprints, however few their events', async () => {
    test = await createTestDatabase(dialect)
    const p = pipeline(test, { candidates: 100, groups: 2, ms: 3_600_000 })

    await p.commit({ events: errors(3, 0, 'disk full'), checkpoints: [checkpoint(10)] })
    expect(await stored(test)).toEqual({ counts: [], offsets: [] })

    await p.commit({ events: errors(1, 3, 'queue stalled'), checkpoints: [checkpoint(20)] })
    const { counts, offsets } = await stored(test)
    expect(counts.sort()).toEqual([1, 3])
    expect(offsets).toEqual([20])
  })

  it('stores held batches once the first has waited the longest hold, however few they carry', async () => {
    test = await createTestDatabase(dialect)
    const p = pipeline(test, { candidates: 100, ms: 0 })

    await p.commit({ events: errors(1, 0), checkpoints: [checkpoint(10)] })

    expect(await stored(test)).toEqual({ counts: [1], offsets: [10] })
  })

  it('stores what it holds on flush, and nothing more on a second flush', async () => {
    test = await createTestDatabase(dialect)
    const p = pipeline(test, { candidates: 100, ms: 3_600_000 })

    await p.commit({ events: errors(2, 0), checkpoints: [checkpoint(10)] })
    await p.commit({ events: [], checkpoints: [checkpoint(30)], gated: 7 })
    await p.flush()
    await p.flush()

    expect(await stored(test)).toEqual({ counts: [2], offsets: [30] })
    expect(p.counts()).toMatchObject({ events: 9, incidentsCreated: 1, incidentsUpdated: 0 })
  })
})
