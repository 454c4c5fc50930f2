import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** The process's Prometheus registry; `/metrics` serves it. */
export const registry = new Registry()
let defaultsCollected = false

/** Adds Node's default process metrics (memory, event loop lag, handles) once per process. */
export function collectProcessMetrics(prefix = 'alims_'): void {
  if (defaultsCollected) return

  defaultsCollected = true
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
