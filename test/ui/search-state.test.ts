import { describe, expect, it } from 'vitest'

import { parseQuery } from '../../src/incidents/search/index.js'
import {
  apiParams,
  combinedQuery,
  readSearch,
  writeSearch,
  type SearchState,
} from '../../ui/src/incidents/search-state.js'
import { examplePath } from '../../ui/src/sources/source-types.js'

const EMPTY = readSearch(new URLSearchParams())

describe('incident search state', () => {
  it('round-trips through the address bar and leaves defaults out', () => {
    const state: SearchState = {
      q: 'timeout OR "connection refused"',
      severity: ['HIGH', 'LOW'],
      status: ['open'],
      service: 'pay*',
      since: '24h',
      sort: 'count',
      order: 'asc',
    }

    expect(readSearch(writeSearch(state))).toEqual(state)
    expect(writeSearch(EMPTY).toString()).toBe('')
    expect(writeSearch({ ...EMPTY, q: 'a b' }).toString()).toBe('q=a+b')
  })

  it('ignores unknown values in the address instead of sending them on', () => {
    const state = readSearch(
      new URLSearchParams('severity=HIGH,BOGUS&status=gone&sort=drop+table&order=up&since=9y'),
    )

    expect(state).toEqual({ ...EMPTY, severity: ['HIGH'] })
  })

  it('turns chips into API parameters', () => {
    const params = new URLSearchParams(
      apiParams({ ...EMPTY, q: 'x', severity: ['MEDIUM'], since: '7d' }, 'abc', 50),
    )

    expect(Object.fromEntries(params)).toEqual({
      q: 'x',
      severity: 'MEDIUM',
      from: '-7d',
      sort: 'activity',
      order: 'desc',
      limit: '50',
      cursor: 'abc',
    })
  })

  it('combines query and chips into one query the search language accepts', () => {
    const cases: [SearchState, string][] = [
      [EMPTY, ''],
      [{ ...EMPTY, q: 'timeout' }, 'timeout'],
      [
        { ...EMPTY, q: 'a OR b', severity: ['HIGH', 'MEDIUM'], since: '24h' },
        '(a OR b) severity:HIGH,MEDIUM since:24h',
      ],
      [{ ...EMPTY, status: ['open', 'acknowledged'] }, 'status:open,acknowledged'],
      [{ ...EMPTY, service: 'pay*' }, 'service:pay*'],
      [{ ...EMPTY, service: 'my "odd" service\\' }, 'service:"my \\"odd\\" service\\\\"'],
    ]

    for (const [state, expected] of cases) {
      const query = combinedQuery(state)
      expect(query).toBe(expected)
      expect(() => parseQuery(query)).not.toThrow()
    }
  })
})

describe('example log path', () => {
  it('turns the first glob into a file a test line can be written to', () => {
    expect(examplePath('./logs/**/*.log')).toBe('logs/app.log')
    expect(examplePath('/var/log/{api,web}/*.log')).toBe('/var/log/api/app.log')
    expect(examplePath('/srv/app/')).toBe('/srv/app/app.log')
    expect(examplePath(undefined)).toBe('logs/app.log')
  })
})
