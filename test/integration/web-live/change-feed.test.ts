import { afterEach, expect, it } from 'vitest'

import { openDatabase } from '../../../src/db/database.js'
import { IncidentStore } from '../../../src/ingest/store/incident-store.js'
import { createLogger } from '../../../src/observability/logger.js'
import { ChangeFeed, type Change } from '../../../src/web/live/change-feed.js'
import { candidate } from '../../helpers/candidates.js'
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../helpers/databases.js'

const logger = createLogger({ level: 'silent' })

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describeEachDialect('change feed', (dialect) => {
  let test: TestDatabase | undefined
  let feed: ChangeFeed | undefined

  afterEach(async () => {
    await feed?.stop()
    await test?.cleanup()
    feed = undefined
    test = undefined
  })

  it('delivers changes committed after it started, in order, once', async () => {
    test = await createTestDatabase(dialect)
    const store = new IncidentStore({
      database: test.database,
      logger,
      saveCheckpoints: async () => {},
    })
    await store.commit({ events: [candidate('before')], checkpoints: [] })
    feed = new ChangeFeed({
      database: test.database,
      logger,
      pollMs: 60_000,
    })
    const seen: Change[] = []
    feed.subscribe((changes) => seen.push(...changes))
    await feed.start()

    await store.commit({ events: [candidate('a'), candidate('b')], checkpoints: [] })
    await store.commit({ events: [candidate('a')], checkpoints: [] })
    await feed.poll()
    await feed.poll()

    expect(seen.map((c) => c.kind)).toEqual(['created', 'created', 'updated'])
    expect(seen.map((c) => c.seq)).toEqual([...seen.map((c) => c.seq)].sort((x, y) => x - y))
  })

  it('replays the changes after a given sequence number for a reconnecting client', async () => {
    test = await createTestDatabase(dialect)
    const store = new IncidentStore({
      database: test.database,
      logger,
      saveCheckpoints: async () => {},
    })
    await store.commit({ events: [candidate('a')], checkpoints: [] })
    feed = new ChangeFeed({ database: test.database, logger })
    const first = await feed.latestSeq()
    await store.commit({ events: [candidate('b'), candidate('c')], checkpoints: [] })

    const missed = await feed.since(first)

    expect(missed.map((c) => c.kind)).toEqual(['created', 'created'])
  })

  it('hears a change written by another process without polling (PostgreSQL NOTIFY)', async () => {
    test = await createTestDatabase(dialect)
    if (dialect === 'sqlite') {
      // SQLite has no notifications: the feed polls, which the first test covers.
      expect(test.dialect).toBe('sqlite')

      return
    }
    feed = new ChangeFeed({
      database: test.database,
      logger,
      pollMs: 600_000,
    })
    const seen: Change[] = []
    feed.subscribe((changes) => seen.push(...changes))
    await feed.start()
    const writer = openDatabase(test.url)
    try {
      const store = new IncidentStore({ database: writer, logger, saveCheckpoints: async () => {} })
      await store.commit({ events: [candidate('remote')], checkpoints: [] })

      await waitFor(() => seen.length === 1)
      expect(seen[0]?.kind).toBe('created')
    } finally {
      await writer.close()
    }
  })
})
