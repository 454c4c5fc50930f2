import { appendFileSync, writeFileSync } from 'node:fs'

import { afterEach, describe, expect, it } from 'vitest'

import { registry } from '../../../src/observability/metrics.js'
import { waitFor } from '../../helpers/ingest-doubles.js'

import { TailFixture } from './tail-fixture.js'

let fx: TailFixture

afterEach(async () => {
  await fx.close()
})

describe('Tailer with many files', () => {
  it('follows 2,000 files at once with a bounded number of open handles', async () => {
    fx = new TailFixture()
    const files = Array.from({ length: 2000 }, (_, i) =>
      fx.path(`svc-${String(i).padStart(4, '0')}.log`),
    )
    for (const [i, path] of files.entries()) writeFileSync(path, `file ${i} first\n`)
    const tailer = fx.start({ maxOpenFiles: 100 })
    await waitFor(() => fx.sink.events.length >= 2000, 120_000, 'first lines of 2,000 files')

    for (const [i, path] of files.entries()) {
      if (i % 3 === 0) appendFileSync(path, `file ${i} second\n`)
    }
    await waitFor(() => fx.sink.events.length >= 2000 + 667, 120_000, 'appended lines')
    await tailer.settled()

    expect(fx.sink.events).toHaveLength(2667)
    const byFile = new Map<string, string[]>()
    for (const event of fx.sink.events)
      byFile.set(event.source, [...(byFile.get(event.source) ?? []), event.raw])
    expect(byFile.size).toBe(2000)
    expect(byFile.get(files[3]!)).toEqual(['file 3 first', 'file 3 second'])
    expect(byFile.get(files[4]!)).toEqual(['file 4 first'])
    expect(tailer.sources()).toHaveLength(2000)
    const open = await registry.getSingleMetric('alims_files_open')?.get()
    expect(open?.values[0]?.value).toBeLessThanOrEqual(100)
  }, 300_000)
})
