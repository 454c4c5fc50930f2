import { describe, expect, it } from 'vitest'

import { generateCorpus } from '../../../bench/corpus/grouping/generate.js'
import { parseCorpus } from '../../../bench/corpus/grouping/parse-corpus.js'
import { groupingAccuracy } from '../../../bench/grouping-accuracy.js'
import { defaultRuleSet } from '../../../src/ingest/classify/index.js'
import type { LogEvent } from '../../../src/ingest/event.js'
import { group } from '../../../src/ingest/group/index.js'

// The labelled corpus of `npm run bench:grouping`, through the worker's own parsers.
const corpus = generateCorpus(7, 150)
const { events } = parseCorpus(corpus)
const truth = events.map((event, i) => {
  const label = corpus[i]!.label

  return `${event.service}: ${label.slice(label.indexOf(':') + 1)}`
})

function rawEvent(raw: string, service: string): LogEvent {
  return {
    source: `/var/log/${service}.log`,
    offset: 0,
    end: raw.length + 1,
    line: 1,
    timestamp: 0,
    hasTimestamp: false,
    level: 'info',
    message: raw,
    service,
    format: 'unknown',
    fields: {},
    raw,
  }
}

describe('grouping a corpus of eleven formats', () => {
  it('puts parsed events into their labelled groups', () => {
    const fingerprints = events.map((event) => group(event).fingerprint)

    expect(groupingAccuracy(fingerprints, truth)).toBeGreaterThanOrEqual(0.95)
  })

  it('never puts two different messages into one group', () => {
    const labelsOf = new Map<string, Set<string>>()
    events.forEach((event, i) => {
      const { fingerprint } = group(event)
      labelsOf.set(fingerprint, (labelsOf.get(fingerprint) ?? new Set()).add(truth[i]!))
    })
    const mixed = [...labelsOf.values()].filter((labels) => labels.size > 1).map((s) => [...s])

    expect(mixed).toEqual([])
  })

  it('groups raw lines of formats it does not parse just as well', () => {
    const fingerprints = corpus.map(
      (record) => group(rawEvent(record.raw, record.format)).fingerprint,
    )
    const labels = corpus.map((record) => record.label)

    expect(groupingAccuracy(fingerprints, labels)).toBeGreaterThanOrEqual(0.95)
  })

  it('classifies parsed access-log 5xx as HIGH and the rest of the traffic as no incident', () => {
    const rules = defaultRuleSet()
    const access = events.filter((event) => event.format === 'access')
    expect(access.length).toBeGreaterThan(0)
    for (const event of access) {
      const expected = String(event.fields.status).startsWith('5') ? 'HIGH' : null
      expect(rules.classify(event).severity).toBe(expected)
    }
  })
})
