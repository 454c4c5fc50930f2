import type { Random } from './random.js'

/** One kind of stack trace: its label and a generator of instances. */
export interface TraceKind {
  label: string
  format: 'java-trace' | 'python-trace' | 'node-trace' | 'go-trace'
  text: (r: Random) => string
}

// The log line a framework writes before a trace, with its own varying parts.
const javaHead = (r: Random, logger: string): string =>
  `2026-01-${String(r.int(10, 28))} 1${r.int(0, 9)}:0${r.int(0, 9)}:1${r.int(0, 9)},${r.int(100, 999)} ERROR [http-nio-8080-exec-${r.int(1, 200)}] ${logger} - Request processing failed`
const pythonHead = (r: Random): string =>
  `2026-01-${String(r.int(10, 28))} 1${r.int(0, 9)}:0${r.int(0, 9)}:1${r.int(0, 9)},${r.int(100, 999)} - shop.app - ERROR - Exception on /orders [POST]`

// Builds shift the line numbers: the same frame is a different line in each build.
const line = (r: Random, base: number): number => base + r.int(0, 40)

const springFrames = (r: Random): string[] => {
  const frames = [
    `\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:${line(r, 880)})`,
    `\tat org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:${line(r, 160)})`,
    `\tat java.base/java.lang.Thread.run(Thread.java:${line(r, 830)})`,
  ]

  return frames.slice(0, r.int(1, 3))
}

/** Java, Python and Node.js traces; each label is one exception thrown from one place. */
export const TRACES: readonly TraceKind[] = [
  {
    label: 'java-order-state',
    format: 'java-trace',
    text: (r) =>
      [
        javaHead(r, 'com.acme.orders.OrderController'),
        `java.lang.IllegalStateException: order ${r.int(1, 99999)} is ${r.pick(['closed', 'cancelled'])}`,
        `\tat com.acme.orders.OrderService.process(OrderService.java:${line(r, 40)})`,
        `\tat com.acme.orders.OrderController.create(OrderController.java:${line(r, 17)})`,
        ...springFrames(r),
      ].join('\n'),
  },
  {
    label: 'java-npe-payment',
    format: 'java-trace',
    text: (r) =>
      [
        javaHead(r, 'com.acme.pay.PaymentClient'),
        'java.lang.NullPointerException: Cannot invoke "String.length()" because "token" is null',
        `\tat com.acme.pay.PaymentClient.charge(PaymentClient.java:${line(r, 88)})`,
        `\tat com.acme.pay.PaymentClient.lambda$chargeAsync$${r.int(0, 3)}(PaymentClient.java:${line(r, 120)})`,
        ...springFrames(r),
      ].join('\n'),
  },
  {
    label: 'java-sql-caused',
    format: 'java-trace',
    text: (r) =>
      [
        javaHead(r, 'com.acme.orders.OrderRepository'),
        `org.springframework.dao.DataAccessResourceFailureException: could not open connection ${r.uuid()}`,
        `\tat org.springframework.orm.jpa.Translator.translate(Translator.java:${line(r, 300)})`,
        `\tat com.acme.orders.OrderRepository.save(OrderRepository.java:${line(r, 60)})`,
        `\tat com.acme.orders.OrderService.process(OrderService.java:${line(r, 44)})`,
        `Caused by: java.sql.SQLTransientConnectionException: pool timed out after ${r.int(1000, 30000)}ms`,
        `\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:${line(r, 690)})`,
        `\t... ${r.int(10, 60)} more`,
      ].join('\n'),
  },
  {
    label: 'python-value',
    format: 'python-trace',
    text: (r) =>
      [
        pythonHead(r),
        'Traceback (most recent call last):',
        `  File "/usr/lib/python3/site-packages/flask/app.py", line ${line(r, 1470)}, in wsgi_app`,
        '    response = self.full_dispatch_request()',
        `  File "/srv/app/shop/views.py", line ${line(r, 40)}, in create_order`,
        '    db.save(order)',
        `  File "/srv/app/shop/db.py", line ${line(r, 15)}, in save`,
        "    raise ValueError(f'bad order {order.id}')",
        `ValueError: bad order ${r.int(1, 99999)}`,
      ].join('\n'),
  },
  {
    label: 'python-key',
    format: 'python-trace',
    text: (r) =>
      [
        pythonHead(r),
        'Traceback (most recent call last):',
        `  File "/srv/app/shop/views.py", line ${line(r, 90)}, in get_user`,
        "    return USERS[request.args['id']]",
        `KeyError: '${r.hex(6)}'`,
      ].join('\n'),
  },
  {
    label: 'node-type',
    format: 'node-trace',
    text: (r) =>
      [
        `TypeError: Cannot read properties of undefined (reading '${r.pick(['id', 'name', 'total'])}')`,
        `    at Object.handler (/app/src/routes/orders.js:${line(r, 10)}:${r.int(1, 40)})`,
        `    at async Router.dispatch (/app/node_modules/express/lib/router.js:${line(r, 280)}:7)`,
        `    at process.processTicksAndRejections (node:internal/process/task_queues:${line(r, 90)}:5)`,
      ].join('\n'),
  },
  {
    label: 'node-refused',
    format: 'node-trace',
    text: (r) =>
      [
        `Error: connect ECONNREFUSED ${r.ip()}:${r.int(1024, 65535)}`,
        `    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:${line(r, 1490)}:16)`,
        `    at /app/src/clients/inventory.js:${line(r, 30)}:11`,
      ].join('\n'),
  },
  {
    label: 'go-index',
    format: 'go-trace',
    text: (r) =>
      [
        `panic: runtime error: index out of range [${r.int(3, 99)}] with length ${r.int(0, 3)}`,
        '',
        `goroutine ${r.int(1, 500)} [running]:`,
        `github.com/acme/shop/store.(*Orders).Get(0xc0000${r.hex(5)}, 0x${r.hex(2)})`,
        `\t/app/store/orders.go:${line(r, 40)} +0x${r.hex(2)}`,
        'main.handler.func1(0x0)',
        `\t/app/main.go:${line(r, 80)} +0x25`,
        `net/http.HandlerFunc.ServeHTTP(0xc0000${r.hex(5)})`,
        `\t/usr/local/go/src/net/http/server.go:${line(r, 2100)} +0x44`,
      ].join('\n'),
  },
]
