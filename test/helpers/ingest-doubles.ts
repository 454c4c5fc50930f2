import type { Batch, BatchSink, Checkpoint } from '../../src/ingest/checkpoint.js'
import type { LogEvent } from '../../src/ingest/event.js'
import type {
  AssemblerFactory,
  EventAssembler,
  Line,
  SourceSettings,
} from '../../src/ingest/line.js'

function eventOf(source: SourceSettings, lines: readonly Line[], now: number): LogEvent {
  const first = lines[0]
  const last = lines[lines.length - 1]
  if (first === undefined || last === undefined) throw new Error('an event needs a line')

  const raw = lines.map((l) => l.text).join('\n')

  return {
    source: source.path,
    offset: first.offset,
    end: last.end,
    line: first.number,
    timestamp: now,
    hasTimestamp: false,
    level: 'info',
    message: raw,
    service: 'test',
    format: 'plain',
    fields: { partial: last.partial },
    raw,
  }
}

/** A test double: every line is one event, nothing is ever held. */
export function lineAssemblers(): AssemblerFactory {
  return (source) => ({
    push(line, out) {
      out.push(eventOf(source, [line], Date.now()))
    },
    flush() {
      // nothing held
    },
    heldOffset() {
      return null
    },
    skip() {
      return false
    },
  })
}

/**
 * A test double that joins lines starting with whitespace to the line before (a stack trace)
 * and holds the event until the next start line, a forced flush, or `waitMs` idle.
 */
export function joiningAssemblers(waitMs = 1000): AssemblerFactory {
  return (source): EventAssembler => {
    let held: Line[] = []
    let lastAt = 0

    return {
      push(line, out) {
        if (held.length > 0 && !/^\s/.test(line.text)) {
          out.push(eventOf(source, held, lastAt))
          held = []
        }
        held.push(line)
        lastAt = Date.now()
      },
      flush(out, force, now = Date.now()) {
        if (held.length > 0 && (force || now - lastAt >= waitMs)) {
          out.push(eventOf(source, held, lastAt))
          held = []
        }
      },
      heldOffset() {
        return held[0]?.offset ?? null
      },
      skip() {
        return false
      },
    }
  }
}

/**
 * A sink that records what it stores, with checkpoints kept like `processed_logs` (one per
 * identity, a grown head replacing its previous row). It can fail or stall on demand.
 */
export class RecordingSink implements BatchSink<LogEvent> {
  readonly events: LogEvent[] = []
  readonly checkpoints = new Map<string, Checkpoint>()
  commits = 0
  largestBatch = 0
  failures = 0
  /** While set, commit waits for it (a slow store). */
  gate: Promise<void> | null = null

  async commit(batch: Batch<LogEvent>): Promise<void> {
    if (this.gate !== null) await this.gate
    if (this.failures > 0) {
      this.failures -= 1
      throw new Error('store unavailable')
    }

    this.commits += 1
    this.largestBatch = Math.max(this.largestBatch, batch.events.length)
    this.events.push(...batch.events)
    for (const checkpoint of batch.checkpoints) {
      if (checkpoint.previousIdentity !== undefined)
        this.checkpoints.delete(checkpoint.previousIdentity)
      this.checkpoints.set(checkpoint.identity, { ...checkpoint })
    }
  }

  /** Stored checkpoints, as a restart would load them. */
  stored(): Checkpoint[] {
    return [...this.checkpoints.values()]
  }

  /** Raw text of the stored events of one file, in order. */
  texts(path?: string): string[] {
    return this.events.filter((e) => path === undefined || e.source === path).map((e) => e.raw)
  }
}

/** Waits until `condition` holds, polling every 10 ms; fails after `timeoutMs` (generous). */
export async function waitFor(
  condition: () => boolean,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
