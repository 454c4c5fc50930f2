import { AppError } from '../errors/app-error.js'
import type { ChildSpec } from './supervisor.js'

/** What `alims start` was asked to run. */
export interface StartLayout {
  /** Web processes, 0-32; web i listens on `port + i`. */
  webs: number
  /** Worker processes, 0-32. */
  workers: number
  /** One `ALIMS_LOG_PATHS` value per worker, or null: every worker reads the configured paths. */
  workerPaths: readonly string[] | null
  /** The first web process's port. */
  port: number
  /** The first worker's metrics port (ALIMS_WORKER_METRICS_PORT), or null; worker i adds i. */
  metricsPort?: number | null
}

function count(value: string | undefined, flag: string): number | null {
  if (value === undefined) return null
  if (!/^\d+$/.test(value) || Number(value) > 32) {
    throw new AppError('USAGE', `${flag} must be an integer 0-32, got ${JSON.stringify(value)}`)
  }

  return Number(value)
}

/**
 * Reads `--webs`, `--workers` and `--worker-paths` ("globs of worker 1;globs of worker 2;…").
 * Several workers must not read one file (each would store its events), so more than one worker
 * needs one entry of `--worker-paths` per worker; without `--workers` the entries give the count.
 */
export function parseStartLayout(
  values: { webs?: string; workers?: string; 'worker-paths'?: string },
  port: number,
): StartLayout {
  const webs = count(values.webs, '--webs') ?? 1
  const raw = values['worker-paths']
  const workerPaths = raw === undefined ? null : raw.split(';').map((entry) => entry.trim())
  const workers = count(values.workers, '--workers') ?? workerPaths?.length ?? 1

  if (workerPaths !== null && workerPaths.some((entry) => entry === '')) {
    throw new AppError('USAGE', '--worker-paths has an empty entry: give each worker its globs')
  }
  if (workerPaths !== null && workerPaths.length !== workers) {
    throw new AppError(
      'USAGE',
      `--worker-paths has ${workerPaths.length} entries separated by ';' but --workers is ` +
        `${workers}: give one per worker`,
    )
  }
  if (workerPaths === null && workers > 1) {
    throw new AppError(
      'USAGE',
      `--workers ${workers} needs --worker-paths with one entry per worker ("globs1;globs2"): ` +
        'two workers on one file would each store its events',
    )
  }

  return { webs, workers, workerPaths, port }
}

/** The supervised children of a layout, with the environment each one differs in. */
export function planChildren(layout: StartLayout): ChildSpec[] {
  const children: ChildSpec[] = []
  for (let i = 0; i < layout.webs; i += 1) {
    const env = i === 0 ? {} : { PORT: String(layout.port + i) }
    children.push({ name: layout.webs === 1 ? 'web' : `web-${i + 1}`, args: ['web'], env })
  }
  for (let i = 0; i < layout.workers; i += 1) {
    const paths = layout.workerPaths?.[i]
    const metricsPort = layout.metricsPort ?? null
    const env = {
      ...(paths === undefined ? {} : { ALIMS_LOG_PATHS: paths }),
      // One port each, so that several workers on one machine can all be scraped.
      ...(metricsPort === null || i === 0
        ? {}
        : { ALIMS_WORKER_METRICS_PORT: String(metricsPort + i) }),
    }
    const name = layout.workers === 1 ? 'worker' : `worker-${i + 1}`
    children.push({ name, args: ['worker'], env })
  }

  return children
}
