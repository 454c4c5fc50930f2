/**
 * Deterministic synthetic incidents for the search benchmark: realistic messages built from
 * templates, skewed counts and services, five stored samples per incident, per-minute counts.
 */

/** The benchmark's fixed clock: relative queries (`since:24h`) resolve against it. */
export const BENCH_NOW = Date.UTC(2026, 10, 30, 12, 0, 0)
const DAY = 86_400_000
const SPAN = 30 * DAY

export interface BenchIncident {
  id: number
  fingerprint: string
  status: string
  severity: string
  title: string
  message: string
  template: string
  service: string
  source: string
  tags: string
  first: number
  last: number
  count: number
  ticketState: string | null
  ticketNumber: string | null
}

export interface BenchSample {
  incidentId: number
  kind: 'first' | 'latest'
  at: number
  offset: number
  raw: string
}

export interface BenchMinute {
  incidentId: number
  minute: number
  count: number
}

/** mulberry32: a small seeded generator, so that every run builds the same data. */
export function random(seed: number): () => number {
  let a = seed >>> 0

  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)

    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SERVICES = Array.from({ length: 60 }, (_, i) =>
  [
    'api',
    'billing',
    'auth',
    'search',
    'payments',
    'orders',
    'inventory',
    'gateway',
    'mailer',
    'scheduler',
    'reports',
    'web',
  ][i % 12]!.concat(i < 12 ? '' : `-${Math.floor(i / 12)}`),
)
const TEMPLATES = [
  'connect ECONNREFUSED <IP>:<NUM>',
  'upstream request to <HOST> timed out after <NUM>ms',
  'java.lang.NullPointerException at <CLASS>.<METHOD>(<FILE>:<NUM>)',
  'disk usage <NUM>% on <PATH>',
  'user <ID> not found in tenant <ID>',
  'deadlock detected while updating table <WORD>',
  'connection pool exhausted (<NUM> active, <NUM> idle)',
  'HTTP <NUM> from <HOST> for GET <PATH>',
  'certificate for <HOST> expires in <NUM> days',
  'failed to parse payload from <HOST>: unexpected token at <NUM>',
  'queue <WORD> backlog reached <NUM> messages',
  'out of memory: killed process <NUM> (<WORD>)',
  'permission denied opening <PATH>',
  'rate limit exceeded for client <ID>',
  'slow query took <NUM>ms: select from <WORD> where id = <NUM>',
  'TLS handshake with <HOST> failed: <WORD>',
  'cache miss ratio <NUM>% above threshold on <HOST>',
  'retrying job <ID> after error: <WORD> (attempt <NUM>)',
  'invalid credentials for account <ID> from <IP>',
  'segmentation fault in worker <NUM>',
]
const WORDS = [
  'orders',
  'invoices',
  'sessions',
  'accounts',
  'ledger',
  'events',
  'outbox',
  'audit',
  'shipments',
  'carts',
  'EPIPE',
  'ECONNRESET',
  'handshake_failure',
  'bad_record_mac',
  'nginx',
  'postgres',
  'redis',
  'kafka',
  'elastic',
  'worker',
]
const CLASSES = ['OrderService', 'BillingClient', 'TokenCache', 'InvoiceMapper', 'RetryPolicy']
const METHODS = ['handle', 'process', 'lookup', 'flush', 'apply', 'render']

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)] as T
}

/** Skewed towards the start of `list` (a few services and templates dominate, as in life). */
function pickSkewed<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() ** 2.2 * list.length)] as T
}

function fill(template: string, rand: () => number): string {
  return template.replace(/<(\w+)>/g, (_, kind: string) => {
    switch (kind) {
      case 'IP':
        return `10.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}`
      case 'NUM':
        return String(Math.floor(rand() ** 3 * 100_000))
      case 'HOST':
        return `${pick(rand, WORDS)}-${Math.floor(rand() * 40)}.internal`
      case 'ID':
        return Math.floor(rand() * 10_000_000).toString(36)
      case 'PATH':
        return `/srv/${pick(rand, WORDS)}/${Math.floor(rand() * 1000)}`
      case 'CLASS':
        return `com.acme.${pick(rand, CLASSES)}`
      case 'METHOD':
        return pick(rand, METHODS)
      case 'FILE':
        return `${pick(rand, CLASSES)}.java`
      default:
        return pick(rand, WORDS)
    }
  })
}

/** The incident with 1-based `id`, and its samples and minutes; the same id always gives the same rows. */
export function generate(id: number): {
  incident: BenchIncident
  samples: BenchSample[]
  minutes: BenchMinute[]
} {
  const rand = random(id * 2654435761)
  const service = pickSkewed(rand, SERVICES)
  const base = pickSkewed(rand, TEMPLATES)
  const template = `${base.replace('<WORD>', pick(rand, WORDS))} [${service}]`
  const message = fill(template, rand)
  const first = BENCH_NOW - Math.floor(rand() * SPAN)
  const last = Math.min(BENCH_NOW, first + Math.floor(rand() ** 4 * SPAN))
  const count = 1 + Math.floor(rand() ** 6 * 200_000)
  const sev = rand()
  const st = rand()
  const tk = rand()
  const ticketState = tk < 0.1 ? 'created' : tk < 0.12 ? 'pending' : tk < 0.13 ? 'failed' : null
  const incident: BenchIncident = {
    id,
    fingerprint: `${id.toString(16).padStart(8, '0')}${Math.floor(rand() * 2 ** 32).toString(16)}`,
    status: st < 0.4 ? 'open' : st < 0.5 ? 'acknowledged' : st < 0.9 ? 'resolved' : 'ignored',
    severity: sev < 0.1 ? 'HIGH' : sev < 0.4 ? 'MEDIUM' : 'LOW',
    title: message.slice(0, 80),
    message,
    template,
    service,
    source: `/var/log/${service}/${rand() < 0.8 ? 'app' : 'access'}.log`,
    tags: JSON.stringify(rand() < 0.3 ? [pick(rand, WORDS)] : []),
    first,
    last,
    count,
    ticketState,
    ticketNumber: ticketState === 'created' ? `INC${String(id).padStart(7, '0')}` : null,
  }
  const samples: BenchSample[] = Array.from({ length: 5 }, (_, i) => {
    const at = i === 0 ? first : first + Math.floor(((last - first) * i) / 4)
    const raw = `${new Date(at).toISOString()} ERROR [${service}] ${fill(template, rand)} request_id=${Math.floor(rand() * 2 ** 40).toString(36)}`

    return { incidentId: id, kind: i === 0 ? 'first' : 'latest', at, offset: id * 1000 + i, raw }
  })
  const firstMinute = Math.floor(first / 60_000) * 60_000
  const lastMinute = Math.floor(last / 60_000) * 60_000
  const minutes: BenchMinute[] = [{ incidentId: id, minute: firstMinute, count: 1 }]
  if (lastMinute !== firstMinute) {
    const middle =
      Math.floor((firstMinute + Math.floor(rand() * (lastMinute - firstMinute))) / 60_000) * 60_000
    if (middle !== firstMinute && middle !== lastMinute) {
      minutes.push({ incidentId: id, minute: middle, count: Math.max(1, Math.floor(count / 2)) })
    }
    minutes.push({ incidentId: id, minute: lastMinute, count: Math.max(1, count - 1) })
  }

  return { incident, samples, minutes }
}
