import { describe, expect, it } from 'vitest'

import { accessFormat } from './access.js'
import { logfmtFormat } from './logfmt.js'

describe('accessFormat', () => {
  it('sets the level from the status: 5xx error, 4xx warn, else info', () => {
    const line = (status: number) =>
      `1.2.3.4 - - [03/Dec/2024:13:58:26 +0000] "GET / HTTP/1.1" ${status} 1 "-" "ua"`

    expect(accessFormat.scan(line(500))).toBe('error')
    expect(accessFormat.scan(line(429))).toBe('warn')
    expect(accessFormat.scan(line(302))).toBe('info')
  })

  it('reads every part of a combined line, a leading virtual host and trailing extras', () => {
    const parsed = accessFormat.parse(
      'shop.example:443 10.0.0.5 - bob [03/Dec/2024:14:58:26 +0100] "POST /cart?id=\\"1\\" HTTP/2.0" 201 88 "https://ref/" "Mozilla/5.0 (X11)" 0.012',
      0,
    )

    expect(parsed).toMatchObject({
      timestamp: Date.UTC(2024, 11, 3, 13, 58, 26),
      message: 'POST /cart?id=\\"1\\" HTTP/2.0 201',
      fields: {
        vhost: 'shop.example:443',
        remote: '10.0.0.5',
        user: 'bob',
        method: 'POST',
        status: 201,
        bytes: 88,
        referer: 'https://ref/',
        userAgent: 'Mozilla/5.0 (X11)',
        extra: ['0.012'],
      },
    })
  })

  it('rejects lines that only resemble an access log', () => {
    expect(accessFormat.scan('2024-12-03 13:58:26 INFO [main] x - "quoted" 200 ok')).toBeUndefined()
    expect(
      accessFormat.scan('1.2.3.4 - - [03/Dec/2024:13:58:26 +0000] "GET /" 9xx'),
    ).toBeUndefined()
  })

  it('leaves a logfmt record that quotes an access line to logfmt', () => {
    // Four words before the bracket would pass for a virtual host and a host: but no host has `=`.
    const line = 'level=w msg=x1.2.3.4 - - [03/Dec/2024:08:00:00 +0000] "GET / HTTP/1.1" 200 1'
    expect(accessFormat.scan(line)).toBeUndefined()
    expect(logfmtFormat.scan(line)).toBe('warn')
    expect(
      accessFormat.scan(
        'www.example.com:443 1.2.3.4 - - [03/Dec/2024:08:00:00 +0000] "GET / HTTP/1.1" 503 1',
      ),
    ).toBe('error')
  })
})
