import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { MAX_TEMPLATE_INPUT, maskMessage, maskPath } from './mask.js'

describe('maskMessage', () => {
  it.each([
    ['order 12345 shipped', 'order <NUM> shipped'],
    [
      '42 rows, key session:0042 and #17, port:5432',
      '<NUM> rows, key session:<*> and #<*>, port:<*>',
    ],
    ['job JOB101 and ord-3fa2b1 and x86_64', 'job <*> and <*> and <*>'],
    ['ptr 0x7ffd1234 freed', 'ptr <HEX> freed'],
    ['id 3f2a1b9c-1234-4abc-8def-0123456789ab gone', 'id <UUID> gone'],
    ['connect to 10.0.0.12:5432 failed', 'connect to <IP>:<NUM> failed'],
    ['peer 10.1.2.3 reset', 'peer <IP> reset'],
    ['addr fe80::1ff:fe23:4567:890a down', 'addr <IP> down'],
    ['host db-01.prod.internal:5432 down', 'host <HOST>:<NUM> down'],
    ['resolved api.example.com', 'resolved <HOST>'],
    ['took 250ms then 1.5s then 1m30s', 'took <DUR> then <DUR> then <DUR>'],
    ['at 2026-01-01T11:00:00.123Z', 'at <TS>'],
    ['at 2026-01-01 11:00:00,123 and 11:00:01', 'at <TS> and <TS>'],
    ['at Jan  1 11:00:00 and [10/Oct/2000:13:55:36 -0700]', 'at <TS> and [<TS>]'],
    ['mail to ann.1@example.com bounced', 'mail to <EMAIL> bounced'],
    ['user="bob smith" id=42 path=/x', 'user=<*> id=<*> path=<*>'],
    ["say \"hello world\" and 'hi there' but can't stop", "say \"<*>\" and '<*>' but can't stop"],
    [
      'GET /api/users/42/orders?id=7&x=y returned 500',
      'GET /api/users/<*>/orders?id=<*>&x=<*> returned <NUM>',
    ],
    ['"GET /static/app.3f9a.js HTTP/1.1" 404 512', '"GET /static/<*> HTTP/1.1" 404 <NUM>'],
    [
      'fetch https://api.example.com/v1/users/42?token=abc failed',
      'fetch https://<HOST>/<*>/users/<*>?token=<*> failed',
    ],
    ['cannot open /var/data/in/batch-7.csv.', 'cannot open <PATH>.'],
    ['version 1.2.3 at 45%', 'version <NUM> at <NUM>%'],
    ['  spaced \t out  ', 'spaced out'],
  ])('masks %j as %j', (text, template) => {
    expect(maskMessage(text)).toBe(template)
  })

  it('keeps a message without variable parts as it is', () => {
    expect(maskMessage('null values found')).toBe('null values found')
    expect(maskMessage('Failed to connect to server')).toBe('Failed to connect to server')
  })

  it('gives one template for any values of the same message', () => {
    fc.assert(
      fc.property(
        fc.ipV4(),
        fc.integer({ min: 1, max: 65535 }),
        fc.uuid(),
        fc.integer({ min: 0, max: 1e9 }),
        fc.emailAddress(),
        (ip, port, uuid, ms, email) => {
          const text = `request ${uuid} from ${email} to ${ip}:${port} failed after ${ms}ms (code=${ms % 7})`

          expect(maskMessage(text)).toBe(
            'request <UUID> from <EMAIL> to <IP>:<NUM> failed after <DUR> (code=<*>)',
          )
        },
      ),
    )
  })

  it('keeps different messages apart', () => {
    const templates = [
      'Failed to connect to db-1.prod.internal:5432',
      'Failed to parse /var/data/x.csv at line 12',
      'null values found',
      'file missing: /var/data/y.csv',
      '"GET /api/users/1 HTTP/1.1" 500 12',
      '"GET /api/users/1 HTTP/1.1" 404 12',
      '"POST /api/users/1 HTTP/1.1" 500 12',
      'GET /api/orders/1 500',
    ].map(maskMessage)

    expect(new Set(templates).size).toBe(templates.length)
  })

  it('masks only the first part of a very long message', () => {
    const long = `start ${'x '.repeat(MAX_TEMPLATE_INPUT)} 42`
    expect(maskMessage(long).length).toBeLessThanOrEqual(MAX_TEMPLATE_INPUT)
    expect(maskMessage(`${long} 43`)).toBe(maskMessage(long))
  })
})

describe('maskPath', () => {
  it('masks file-system paths whole and keeps the constant segments of routes', () => {
    expect(maskPath('/etc/app/config.yaml')).toBe('<PATH>')
    expect(maskPath('/api/v2/items/991')).toBe('/api/<*>/items/<*>')
    expect(maskPath('/api/items:')).toBe('/api/items:')
  })
})
