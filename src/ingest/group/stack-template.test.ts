import { describe, expect, it } from 'vitest'

import { StackScanCache, stackTemplate } from './stack-template.js'

const java = (line: number, message = 'order 123 closed'): string =>
  [
    '2026-01-01 11:00:00,123 ERROR [main] c.a.Svc - Failed to process order 123',
    `java.lang.IllegalStateException: ${message}`,
    `\tat com.acme.orders.OrderService.process(OrderService.java:${line})`,
    `\tat com.acme.orders.OrderController.lambda$create$0(OrderController.java:${line + 5})`,
    '\tat org.springframework.web.Dispatcher.doDispatch(Dispatcher.java:1000)',
    `\tat com.acme.api.Gateway.handle(Gateway.java:${line * 2})`,
    '\tat com.acme.api.Gateway.run(Gateway.java:9)',
    '\tat java.base/java.lang.Thread.run(Thread.java:833)',
    'Caused by: java.sql.SQLException: connection reset',
    '\tat com.zaxxer.hikari.Pool.get(Pool.java:99)',
    '\t... 12 more',
  ].join('\n')

const node = (line: number): string =>
  [
    "TypeError: Cannot read properties of undefined (reading 'id')",
    `    at Object.handler (/app/src/routes/orders.js:${line}:5)`,
    '    at async Router.dispatch (/app/node_modules/express/lib/router.js:284:7)',
    `    at /app/src/server.js:${line + 1}:3`,
    '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  ].join('\n')

const python = (line: number, value: number): string =>
  [
    'Traceback (most recent call last):',
    `  File "/usr/lib/python3.11/site-packages/flask/app.py", line ${line + 1400}, in wsgi_app`,
    '    response = self.full_dispatch_request()',
    `  File "/app/svc/views.py", line ${line}, in create_order`,
    '    db.save(order)',
    `  File "/app/svc/db.py", line ${line + 3}, in save`,
    "    raise ValueError('bad')",
    `ValueError: bad order ${value}`,
  ].join('\n')

const go = (line: number, index: number): string =>
  [
    `panic: runtime error: index out of range [${index}] with length 3`,
    '',
    'goroutine 1 [running]:',
    'runtime.gopanic(0xc000010000)',
    `\t/usr/local/go/src/runtime/panic.go:${line + 800} +0x1d`,
    'github.com/acme/shop/store.(*Orders).Get(0xc0000a2000, 0x5)',
    `\t/app/store/orders.go:${line} +0x2a`,
    'main.handler.func1(0x0)',
    `\t/app/main.go:${line + 7} +0x25`,
    'net/http.HandlerFunc.ServeHTTP(0xc0000b4000)',
    `\t/usr/local/go/src/net/http/server.go:${line + 2100} +0x44`,
  ].join('\n')

describe('stackTemplate', () => {
  it('takes the exception types and the top application frames of a Java trace', () => {
    expect(stackTemplate(java(42))).toBe(
      'java.lang.IllegalStateException caused by java.sql.SQLException at com.acme.orders.OrderService.process < com.acme.orders.OrderController.lambda$create$<NUM> < com.acme.api.Gateway.handle',
    )
  })

  it('takes innermost application frames of Node.js and Python traces', () => {
    expect(stackTemplate(node(10))).toBe('TypeError at Object.handler@orders.js < server.js')
    expect(stackTemplate(python(40, 1))).toBe('ValueError at db.py:save < views.py:create_order')
  })

  it('takes the panic and the application frames of a Go trace', () => {
    expect(stackTemplate(go(42, 5))).toBe(
      'panic: runtime error: index out of range [<NUM>] with length <NUM> at github.com/acme/shop/store.(*Orders).Get < main.handler.func<NUM>',
    )
    expect(stackTemplate(go(90, 7))).toBe(stackTemplate(go(42, 5)))
  })

  it('reads .NET traces like Java ones', () => {
    const trace = (line: number): string =>
      [
        'System.InvalidOperationException: Sequence contains no elements',
        '   at System.Linq.ThrowHelper.ThrowNoElementsException()',
        `   at Acme.Orders.OrderService.Process(Int32 id) in C:\\src\\OrderService.cs:line ${line}`,
      ].join('\n')
    expect(stackTemplate(trace(42))).toBe(
      'System.InvalidOperationException at Acme.Orders.OrderService.Process',
    )
    expect(stackTemplate(trace(43))).toBe(stackTemplate(trace(42)))
  })

  it('stays the same when line numbers and exception messages change', () => {
    expect(stackTemplate(java(42))).toBe(stackTemplate(java(97, 'order 9 cancelled')))
    expect(stackTemplate(node(10))).toBe(stackTemplate(node(311)))
    expect(stackTemplate(python(40, 1))).toBe(stackTemplate(python(77, 2)))
  })

  it('differs when the exception comes from another place', () => {
    const elsewhere = java(42).replace('OrderService.process', 'OrderService.cancel')
    expect(stackTemplate(elsewhere)).not.toBe(stackTemplate(java(42)))
  })

  it('falls back to library frames when the trace has no frames of its own', () => {
    const trace =
      'java.lang.OutOfMemoryError: Java heap space\n\tat java.util.Arrays.copyOf(Arrays.java:3332)'
    expect(stackTemplate(trace)).toBe('java.lang.OutOfMemoryError at java.util.Arrays.copyOf')
  })

  it('returns null for text without frames', () => {
    expect(stackTemplate('one line')).toBeNull()
    expect(stackTemplate('first line\nsecond line')).toBeNull()
  })

  it('gives the same template with a scan cache as without, whatever the first line', () => {
    const bodies = [java(42), node(10), python(40, 1), go(42, 5)].map((t) =>
      t.slice(t.indexOf('\n') + 1),
    )
    // A Go body that starts with a file line: the function on the first line is its frame.
    bodies.push(go(42, 5).split('\n').slice(4).join('\n'))
    const heads = [
      '2026-01-01 11:00:00,123 ERROR [main] c.a.Svc - Failed to process order 123',
      '2026-01-01 11:00:01,456 ERROR [main] c.a.Svc - Failed to process order 456',
      'java.lang.IllegalStateException: order 7 closed',
      'java.sql.SQLException: connection reset',
      'ValueError: bad order 3',
      'Traceback (most recent call last):',
      '\tat com.acme.orders.OrderService.process(OrderService.java:42)',
      '    at Object.handler (/app/src/routes/orders.js:10:5)',
      'main.handler.func1(0x0)',
      'runtime.gopanic(0xc000010000)',
      '   ',
      '',
      'Caused by: java.io.IOException: reset',
    ]
    const cache = new StackScanCache(3)
    for (let round = 0; round < 2; round += 1) {
      for (const body of bodies) {
        for (const head of heads) {
          const raw = `${head}\n${body}`
          expect(stackTemplate(raw, cache), raw).toBe(stackTemplate(raw))
        }
      }
    }
  })
})
