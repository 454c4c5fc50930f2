import type { Random } from './random.js'

// Variable values of the kinds real logs carry.
export const v = {
  id: (r: Random) => String(r.int(1, 999_999)),
  job: (r: Random) => `JOB${r.int(100, 999)}`,
  order: (r: Random) => `ord-${r.hex(6)}`,
  port: (r: Random) => String(r.pick([5432, 6379, 3306, 8080, 443, 9092, r.int(1024, 65535)])),
  ms: (r: Random) => `${r.int(1, 30_000)}ms`,
  sec: (r: Random) => `${r.int(1, 120)}.${r.int(0, 9)}s`,
  host: (r: Random) =>
    `${r.pick(['db', 'cache', 'api', 'web', 'queue'])}-${r.int(1, 40)}.${r.pick(['prod', 'stage', 'eu'])}.internal`,
  email: (r: Random) =>
    `${r.pick(['ann', 'bob', 'chen', 'dana', 'eli'])}.${r.int(1, 99)}@${r.pick(['example.com', 'mail.example.org'])}`,
  file: (r: Random) => `/var/data/${r.pick(['in', 'out', 'tmp'])}/batch-${r.int(1, 9999)}.csv`,
  user: (r: Random) => `u${r.int(1000, 99999)}`,
  table: (r: Random) => r.pick(['users', 'orders', 'payments', 'invoices']),
  bytes: (r: Random) => String(r.int(1, 10_000_000)),
  pct: (r: Random) => `${r.int(1, 100)}%`,
  iso: (r: Random) => r.time().toISOString(),
  name: (r: Random) => r.pick(['alice', 'bob', 'carol', 'dave', 'erin']),
}
