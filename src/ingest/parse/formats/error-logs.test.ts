import { describe, expect, it } from 'vitest'

import { apacheErrorFormat } from './apache-error.js'
import { nginxErrorFormat } from './nginx-error.js'

describe('web server error logs', () => {
  it('reads nginx’s process ids, connection and context fields', () => {
    const line =
      '2024/12/03 13:58:26 [error] 31#31: *88 upstream timed out (110: Connection timed out), client: 10.0.0.9, server: shop, request: "GET /a, b HTTP/1.1", upstream: "http://10.0.1.2:80/a", host: "shop"'

    expect(nginxErrorFormat.scan(line)).toBe('error')
    expect(nginxErrorFormat.parse(line, 0)).toMatchObject({
      message: 'upstream timed out (110: Connection timed out)',
      fields: {
        pid: 31,
        tid: 31,
        connection: 88,
        client: '10.0.0.9',
        server: 'shop',
        request: 'GET /a, b HTTP/1.1',
        upstream: 'http://10.0.1.2:80/a',
        host: 'shop',
      },
    })
  })

  it('reads Apache 2.4 module, pid, client and AH code', () => {
    const line =
      '[Tue Dec 03 13:58:26.123456 2024] [proxy_fcgi:error] [pid 9:tid 12] [client 10.0.0.5:5231] AH01071: Got error'

    expect(apacheErrorFormat.scan(line)).toBe('error')
    expect(apacheErrorFormat.parse(line, 0)).toMatchObject({
      message: 'Got error',
      fields: { module: 'proxy_fcgi', pid: 9, tid: 12, client: '10.0.0.5:5231', code: 'AH01071' },
    })
  })

  it('rejects brackets that hold no level', () => {
    expect(nginxErrorFormat.scan('2024/12/03 13:58:26 [worker-3] started')).toBeUndefined()
    expect(apacheErrorFormat.scan('[Tue Dec 03 13:58:26 2024] [core:chatty] x')).toBeUndefined()
  })
})
