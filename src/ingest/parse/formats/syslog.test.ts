import { describe, expect, it } from 'vitest'

import { syslog3164Format } from './syslog-3164.js'
import { syslog5424Format } from './syslog-5424.js'

describe('syslog formats', () => {
  it('turns the priority into a level: severity = priority mod 8', () => {
    expect(syslog5424Format.scan('<0>1 - - - - - - x')).toBe('fatal')
    expect(syslog5424Format.scan('<131>1 - - - - - - x')).toBe('error')
    expect(syslog5424Format.scan('<132>1 - - - - - - x')).toBe('warn')
    expect(syslog3164Format.scan('<134>Dec  3 13:58:26 h app: x')).toBe('info')
    expect(syslog3164Format.scan('<999>Dec  3 13:58:26 h app: x')).toBeUndefined()
  })

  it('tells RFC 5424 from RFC 3164 by the version after the priority', () => {
    expect(syslog3164Format.scan('<34>1 2024-12-03T13:58:26Z h app - - - m')).toBeUndefined()
    expect(syslog5424Format.scan('<34>Dec  3 13:58:26 h app: m')).toBeUndefined()
  })

  it('reads the RFC 5424 header and structured data', () => {
    const parsed = syslog5424Format.parse(
      '<165>1 2024-12-03T13:58:26.003Z host.example evntslog 42 ID47 [ex@32473 iut="3" src="a \\"b\\""][x@1 y="z"] \ufeffhello',
      0,
    )

    expect(parsed).toMatchObject({
      timestamp: Date.UTC(2024, 11, 3, 13, 58, 26, 3),
      message: 'hello',
      service: 'evntslog',
      fields: {
        facility: 'local4',
        host: 'host.example',
        procId: '42',
        msgId: 'ID47',
        structuredData: { 'ex@32473': { iut: '3', src: 'a "b"' }, 'x@1': { y: 'z' } },
      },
    })
  })

  it('reads BSD syslog as sent and as stored in files', () => {
    const now = Date.UTC(2024, 11, 3, 14, 0, 0)

    expect(
      syslog3164Format.parse('<38>Dec  3 13:58:26 gw sshd[42]: Accepted key', now),
    ).toMatchObject({
      timestamp: new Date(2024, 11, 3, 13, 58, 26).getTime(),
      message: 'Accepted key',
      service: 'sshd',
      fields: { host: 'gw', procId: '42', facility: 'auth' },
    })
    expect(syslog3164Format.scan('Dec  3 13:58:26 gw kernel: usb 1-1: WARNING: reset')).toBe('warn')
  })
})
