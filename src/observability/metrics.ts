import { createRequire } from 'node:module'

// From their own modules: see prom-client-parts.d.ts.
import Counter from 'prom-client/lib/counter.js'
import Gauge from 'prom-client/lib/gauge.js'
import Histogram from 'prom-client/lib/histogram.js'
import Registry from 'prom-client/lib/registry.js'
import type { collectDefaultMetrics as CollectDefaultMetrics } from 'prom-client'

const require = createRequire(import.meta.url)

/** The process's Prometheus registry; `/metrics` serves it. */
export const registry = new Registry()
let defaultsCollected = false

/** Adds Node's default process metrics (memory, event loop lag, handles) once per process. */
export function collectProcessMetrics(prefix = 'alims_'): void {
  if (defaultsCollected) return

  defaultsCollected = true
  // Loaded here: only the long-running processes export them (its modules take a while).
  const collectDefaultMetrics =
    require('prom-client/lib/defaultMetrics.js') as typeof CollectDefaultMetrics
  collectDefaultMetrics({ register: registry, prefix })
}

function existing(name: string): unknown {
  return registry.getSingleMetric(name)
}

/** Returns the counter named `name`, creating it on first use, so modules can share one. */
export function counter<L extends string = string>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
): Counter<L> {
  return (
    (existing(name) as Counter<L> | undefined) ??
    new Counter<L>({ name, help, labelNames, registers: [registry] })
  )
}

/** Returns the gauge named `name`, creating it on first use. */
export function gauge<L extends string = string>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
): Gauge<L> {
  return (
    (existing(name) as Gauge<L> | undefined) ??
    new Gauge<L>({ name, help, labelNames, registers: [registry] })
  )
}

/** Returns the histogram named `name` (seconds), creating it on first use. */
export function histogram<L extends string = string>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  buckets?: number[],
): Histogram<L> {
  return (
    (existing(name) as Histogram<L> | undefined) ??
    new Histogram<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      ...(buckets === undefined ? {} : { buckets }),
    })
  )
}
