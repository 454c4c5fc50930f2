import { describe, expect, it } from 'vitest'

import { logfmtFormat, parsePairs } from './logfmt.js'

describe('logfmtFormat', () => {
  it('reads quoted values with escapes and bare keys', () => {
    expect(parsePairs('a=1 msg="say \\"hi\\"\\nthen go" flag path=/x')).toEqual({
      a: '1',
      msg: 'say "hi"\nthen go',
      flag: true,
      path: '/x',
    })
  })

  it('takes the level from level, lvl, severity or Heroku’s at', () => {
    expect(logfmtFormat.scan('t=1 lvl=eror msg=x')).toBe('error')
    expect(logfmtFormat.scan('at=warning code=H27')).toBe('warn')
    expect(logfmtFormat.scan('ts=1 msg="level=error inside" level=info')).toBe('info')
  })

  it('rejects lines that do not start with a key and value pair', () => {
    expect(logfmtFormat.scan('hello world=1')).toBeUndefined()
    expect(logfmtFormat.scan('key=value alone')).toBeUndefined()
  })

  it('reads time, message and service', () => {
    expect(
      logfmtFormat.parse('time="2024-12-03T13:58:26Z" level=error msg="db down" app=ledger', 0),
    ).toMatchObject({
      timestamp: Date.UTC(2024, 11, 3, 13, 58, 26),
      message: 'db down',
      service: 'ledger',
    })
  })
})
