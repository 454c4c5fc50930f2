import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'

import { createLogger, type Logger } from '../../../src/observability/logger.js'
import type { Checkpoint } from '../../../src/ingest/checkpoint.js'
import type { AssemblerFactory } from '../../../src/ingest/line.js'
import { Tailer, type TailerOptions } from '../../../src/ingest/tail/tailer.js'
import { lineAssemblers, RecordingSink } from '../../helpers/ingest-doubles.js'

/** A temp folder of log files, a recording sink, captured log lines and tailers over them. */
export class TailFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'alims-tail-'))
  readonly sink = new RecordingSink()
  readonly logLines: string[] = []
  readonly log: Logger
  #tailers: Tailer[] = []

  constructor() {
    const lines = this.logLines
    this.log = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(
            ...chunk
              .toString('utf8')
              .split('\n')
              .filter((l) => l !== ''),
          )
          done()
        },
      }),
    })
  }

  path(name: string): string {
    return join(this.dir, name)
  }

  /** Starts a tailer over `globs` (default: every .log file in the folder). */
  start(options: Partial<TailerOptions> = {}, checkpoints?: readonly Checkpoint[]): Tailer {
    const assemblers: AssemblerFactory = options.assemblers ?? lineAssemblers()
    const tailer = new Tailer({
      globs: [join(this.dir, '*.log')],
      sink: this.sink,
      log: this.log,
      drainGraceMs: 300,
      ...options,
      assemblers,
      checkpoints: checkpoints ?? options.checkpoints ?? [],
    })
    tailer.start()
    this.#tailers.push(tailer)

    return tailer
  }

  /** Log lines at info or above, parsed. */
  loud(): Record<string, unknown>[] {
    return this.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => typeof l.level === 'number' && l.level >= 30)
  }

  async close(): Promise<void> {
    await Promise.all(this.#tailers.map((t) => t.stop()))
    rmSync(this.dir, { recursive: true, force: true })
  }
}
