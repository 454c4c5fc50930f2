import { statSync } from 'node:fs'
import { parseArgs } from 'node:util'

import { loadConfig } from '../../config/config.js'
import { AppError } from '../../errors/app-error.js'
import type { Batch, BatchSink } from '../../ingest/checkpoint.js'
import type { LogEvent } from '../../ingest/event.js'
import type { SourceSettings } from '../../ingest/line.js'
import { LiveRules } from '../../ingest/classify/index.js'
import { group } from '../../ingest/group/index.js'
import { createAssembler } from '../../ingest/parse/index.js'
import type { EventClassifier } from '../../ingest/pipeline.js'
import { readFilesOnce } from '../../ingest/tail/read-files-once.js'
import { createLogger } from '../../observability/logger.js'
import type { Command } from '../command.js'

/** One event as `alims rules test --json` prints it (one object per line). */
export interface RulesTestRecord {
  /** 1-based number of the event's first line. */
  line: number
  offset: number
  format: string
  level: string
  service: string
  message: string
  severity: string | null
  rule: string | null
  template: string | null
  fingerprint: string | null
}

const MESSAGE_WIDTH = 160

/**
 * The event as printed, with what the rules and the grouping decide: an event no rule makes an
 * incident has severity null (and `rule` names an `ignore` rule that matched, if one did).
 */
export function toRecord(event: LogEvent, rules: EventClassifier): RulesTestRecord {
  const classification = rules.classify(event)
  const grouping = classification.severity === null ? null : group(event)

  return {
    line: event.line,
    offset: event.offset,
    format: event.format,
    level: event.level,
    service: event.service,
    message: event.message,
    severity: classification.severity,
    rule: classification.rule,
    template: grouping?.template ?? null,
    fingerprint: grouping?.fingerprint ?? null,
  }
}

// Log text is untrusted: control characters (terminal escapes) are shown, not obeyed.
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const safe = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) =>
    c === '\t' ? ' ' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  )

  return safe.length > MESSAGE_WIDTH ? `${safe.slice(0, MESSAGE_WIDTH - 1)}…` : safe
}

function textRow(record: RulesTestRecord): string {
  const first = record.message.split('\n', 1)[0] ?? ''
  const where = `${record.line}`.padStart(6)

  const severity = record.severity ?? '-'
  const rule = printable(record.rule ?? '-').padEnd(16)

  return `${where}  ${record.format.padEnd(12)} ${record.level.padEnd(6)} ${severity.padEnd(6)} ${rule} ${printable(record.service).padEnd(20)} ${printable(first)}\n`
}

function multiline(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined
  try {
    return new RegExp(pattern)
  } catch (error) {
    throw new AppError(
      'USAGE',
      `--multiline must be a regular expression: ${(error as Error).message}`,
      {
        field: 'multiline',
        cause: error,
      },
    )
  }
}

/**
 * `alims rules test FILE`: a dry run that reads FILE to its end through the same split, join
 * and parse stages as the worker and prints each event; it writes nothing anywhere.
 */
export const rulesTestCommand: Command = {
  name: 'rules test',
  summary:
    'dry run: print each event of FILE with its format, level, severity, rule and service; writes nothing',
  usage: 'alims rules test FILE [--json] [--format NAME] [--service NAME] [--multiline REGEX]',
  async run(context) {
    const { values, positionals } = parseArgs({
      args: context.argv,
      options: {
        json: { type: 'boolean', default: false },
        format: { type: 'string' },
        service: { type: 'string' },
        multiline: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    })
    const [file, ...extra] = positionals
    if (file === undefined || extra.length > 0) {
      throw new AppError('USAGE', 'alims rules test needs exactly one FILE')
    }

    const isFile = statSync(file, { throwIfNoEntry: false })?.isFile()
    if (isFile === false) {
      throw new AppError('SOURCE_UNREADABLE', `cannot read log file ${file}: not a regular file`, {
        field: file,
      })
    }

    // Diagnostics go to stderr: stdout carries only the events.
    const config = loadConfig(context.env, context.cwd)
    const log = createLogger({ level: config.logLevel, destination: context.stderr })
    const start = multiline(values.multiline)
    const settings = (path: string): SourceSettings => ({
      path,
      ...(values.format === undefined ? {} : { format: values.format }),
      ...(values.service === undefined ? {} : { service: values.service }),
      ...(start === undefined ? {} : { multilineStart: start }),
    })
    createAssembler(settings(file)) // a bad --format fails here, before anything is read
    // The configured rules (ALIMS_RULES) or the built-in ones; an invalid file fails here.
    const rules = await LiveRules.open({ path: config.rulesPath, log, watch: false })

    const out = context.stdout
    let headed = values.json
    const sink: BatchSink<LogEvent> = {
      commit(batch: Batch<LogEvent>): Promise<void> {
        const rows = batch.events.map((event) => {
          const record = toRecord(event, rules)

          return values.json ? `${JSON.stringify(record)}\n` : textRow(record)
        })
        if (!headed) {
          headed = true
          rows.unshift(
            `${'line'.padStart(6)}  ${'format'.padEnd(12)} ${'level'.padEnd(6)} ${'sev'.padEnd(6)} ${'rule'.padEnd(16)} ${'service'.padEnd(20)} message\n`,
          )
        }
        if (rows.length > 0) out.write(rows.join(''))

        return Promise.resolve()
      },
    }
    try {
      await readFilesOnce({
        paths: [file],
        assemblers: (source) => createAssembler(source),
        sink,
        log,
        settings,
        maxLineBytes: config.maxLineBytes,
      })
    } finally {
      rules.close()
    }

    return 0
  },
}
