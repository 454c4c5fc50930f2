import type { Config } from '../config/config.js'
import type { Database } from '../db/database.js'
import type { Logger } from '../observability/logger.js'
import { ticketPolicy, ticketStoreHooks } from '../tickets/outbox.js'

import { LiveRules } from './classify/index.js'
import { Grouper } from './group/index.js'
import { createAssembler } from './parse/index.js'
import { IncidentPipeline, type HoldOptions, type PipelineCounts } from './pipeline.js'
import { IncidentStore } from './store/incident-store.js'
import { loadCheckpoints, saveCheckpoints } from './tail/checkpoint-store.js'
import { readFilesOnce } from './tail/read-files-once.js'
import { Tailer } from './tail/tailer.js'

export interface IngestDeps {
  config: Config
  logger: Logger
  database: Database
}

interface Stages {
  rules: LiveRules
  pipeline: IncidentPipeline
}

/**
 * A one-shot read holds batches until they carry this many incident events or fingerprints, or
 * for this long: the reader's batches count every event, most of which are no incident, and
 * each transaction rewrites the row, samples and search document of every incident it touches.
 * What is held is bounded by fingerprints and events, not by the events' text: a held
 * fingerprint keeps at most the store's first and latest samples (25 events by default), so
 * 400 of them bound the samples to 10,000 events, and its per-minute counts take at most one
 * entry per event, so 100,000 events bound them to 100,000 entries (a few MB). The bench's
 * 1,000,000 lines (75,000 incident events, 59 fingerprints) took 1.33-1.43 s held by 10,000
 * events, 1.18-1.34 s by 50,000 (two transactions) and 0.95-0.99 s by 100,000 (one), against
 * 0.99-1.02 s for 50,000 in the same runs, peak RSS 113 MB either way.
 */
const BACKLOG_HOLD: HoldOptions = { candidates: 100_000, groups: 400, ms: 2_000 }
/**
 * Events per reader batch of a one-shot read. Held batches are stored together anyway, so small
 * ones cost no extra transactions, and parsed events no longer pile up in memory: 10,000 held
 * the peak RSS of the bench's 1,000,000 lines at 177 MB, 1,000 at 126 MB.
 */
const BACKLOG_READ_EVENTS = 1_000

// `log`: the caller's component logger; the rules take a component of their own, from the root
// logger (pino would repeat the `component` key in a child of a child).
async function createStages(
  deps: IngestDeps,
  log: Logger,
  watchRules: boolean,
  hold?: HoldOptions,
): Promise<Stages> {
  const { config, logger, database } = deps
  const rules = await LiveRules.open({ path: config.rulesPath, log: logger, watch: watchRules })
  const store = new IncidentStore({
    database,
    logger: log,
    saveCheckpoints,
    hooks: ticketStoreHooks(ticketPolicy(config)),
  })
  // Drain's pattern is stored nowhere, so the worker does not spend time learning it.
  const grouper = new Grouper({ drain: false })
  const pipeline = new IncidentPipeline({
    classifier: rules,
    grouper,
    store,
    ...(hold === undefined ? {} : { hold }),
  })

  return { rules, pipeline }
}

/** A running worker: follow the configured files until `stop()`. */
export interface RunningWorker {
  tailer: Tailer
  counts(): PipelineCounts
  /** Stops reading, finishes the batch in progress and stops the ticket drainer. */
  stop(): Promise<void>
}

/**
 * Starts the worker pipeline: tail the files of `ALIMS_LOG_PATHS` from their checkpoints,
 * classify, group and store incidents, and drain the ticket outbox. SIGHUP reloads the rules.
 */
export async function startWorker(deps: IngestDeps): Promise<RunningWorker> {
  const { config, logger, database } = deps
  const log = logger.child({ component: 'worker' })
  // The ServiceNow client (HTTP, TLS) is loaded by the worker alone, not by `alims ingest`.
  const { startTicketDrainer } = await import('../tickets/ticket-drainer.js')
  const { rules, pipeline } = await createStages(deps, log, true)
  const tailer = new Tailer({
    globs: config.logPaths,
    cwd: config.cwd,
    assemblers: (source) => createAssembler(source),
    sink: pipeline,
    log: logger.child({ component: 'tail' }),
    checkpoints: await loadCheckpoints(database.db),
    startAt: config.startAt,
    maxLineBytes: config.maxLineBytes,
    partialAfterMs: config.partialLineMs,
    gate: () => rules.current.gate,
  })
  const onHangup = (): void => {
    void rules.reload()
  }
  process.on('SIGHUP', onHangup)
  tailer.start()
  const stopDrainer = startTicketDrainer({ database, config, logger })
  log.info({ paths: config.logPaths }, 'worker started')

  return {
    tailer,
    counts: () => pipeline.counts(),
    async stop() {
      process.off('SIGHUP', onHangup)
      await tailer.stop()
      await stopDrainer()
      rules.close()
      log.info('worker stopped')
    },
  }
}

/** What `alims ingest` did. */
export interface IngestReport extends PipelineCounts {
  files: { path: string; from: number; to: number; lines: number; events: number }[]
  lines: number
  skipped: Record<string, number>
}

/**
 * Reads `paths` to their end through the same stages as the worker, from their stored
 * checkpoints, so a file ingested twice is counted once; then returns the counts.
 */
export async function ingestFiles(
  deps: IngestDeps,
  paths: readonly string[],
): Promise<IngestReport> {
  const { config, logger, database } = deps
  const log = logger.child({ component: 'ingest' })
  const { rules, pipeline } = await createStages(deps, log, false, BACKLOG_HOLD)
  try {
    const files = await readFilesOnce({
      paths,
      assemblers: (source) => createAssembler(source),
      sink: pipeline,
      log,
      checkpoints: await loadCheckpoints(database.db),
      maxLineBytes: config.maxLineBytes,
      gate: () => rules.current.gate,
      batchEvents: BACKLOG_READ_EVENTS,
    })
    await pipeline.flush()
    const skipped: Record<string, number> = {}
    for (const file of files) {
      for (const [reason, n] of Object.entries(file.skipped))
        skipped[reason] = (skipped[reason] ?? 0) + n
    }

    return {
      ...pipeline.counts(),
      files: files.map((f) => ({
        path: f.path,
        from: f.from,
        to: f.to,
        lines: f.lines,
        events: f.events,
      })),
      lines: files.reduce((sum, f) => sum + f.lines, 0),
      skipped,
    }
  } finally {
    rules.close()
  }
}
