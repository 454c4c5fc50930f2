import { describe, expect, it } from 'vitest'

import { layoutFormat } from './layout.js'

describe('layoutFormat', () => {
  it('reads thread, logger and message of log4j and Spring Boot lines', () => {
    expect(
      layoutFormat.parse(
        '2024-12-03 13:58:26,123 ERROR [exec-1] com.acme.Pay - charge failed: 402',
        0,
      ),
    ).toMatchObject({
      message: 'charge failed: 402',
      service: 'com.acme.Pay',
      fields: { thread: 'exec-1', logger: 'com.acme.Pay' },
    })
    expect(
      layoutFormat.parse(
        '2024-12-03T13:58:26.123Z  WARN 77 --- [app] [  main] o.a.Pool   : pool low',
        0,
      ),
    ).toMatchObject({
      message: 'pool low',
      fields: { pid: 77, thread: 'main', logger: 'o.a.Pool' },
    })
  })

  it('keeps the whole text as message when the level word is part of it', () => {
    const parsed = layoutFormat.parse('2024/12/03 13:58:26 db: connection error after 3s', 0)

    expect(layoutFormat.scan('2024/12/03 13:58:26 db: connection error after 3s')).toBe('error')
    expect(parsed?.message).toBe('db: connection error after 3s')
    expect(parsed?.service).toBeNull()
  })

  it('reads zap’s tab-separated caller and JSON fields', () => {
    expect(
      layoutFormat.parse(
        '2024-12-03T13:58:26.123Z\tERROR\tpay/charge.go:42\tcharge failed\t{"order":7}',
        0,
      ),
    ).toMatchObject({ message: 'charge failed', fields: { caller: 'pay/charge.go:42', order: 7 } })
  })

  it('leaves nginx error lines to their own format', () => {
    expect(layoutFormat.scan('2024/12/03 13:58:26 [error] 1#1: *1 boom')).toBeUndefined()
  })

  it('gives info to a timed line without any level word', () => {
    expect(layoutFormat.scan('2024-12-03 13:58:26 listening on :8080')).toBe('info')
  })
})
