import { parseArgs } from 'node:util'

import { AppError } from '../../errors/app-error.js'
import { ingestFiles, type IngestReport } from '../../ingest/worker.js'
import type { Command } from '../command.js'
import { openMigrated } from '../context.js'

function table(report: IngestReport): string {
  const skipped = Object.entries(report.skipped)
  const rows: [string, string | number][] = [
    ['files', report.files.length],
    ['lines', report.lines],
    ['events', report.events],
    ['HIGH', report.bySeverity.HIGH],
    ['MEDIUM', report.bySeverity.MEDIUM],
    ['LOW', report.bySeverity.LOW],
    ['ignored by rule', report.ignored],
    ['not incidents', report.notIncidents],
    ['incidents created', report.incidentsCreated],
    ['incidents updated', report.incidentsUpdated],
    ['incidents reopened', report.incidentsRegressed],
    ...skipped.map(([reason, n]): [string, number] => [`skipped: ${reason}`, n]),
  ]
  const width = Math.max(...rows.map(([label]) => label.length))

  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n') + '\n'
}

/** `alims ingest FILE…`: runs the files through the whole pipeline once and prints the counts. */
export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'process files to their end through the full pipeline, print counts and exit',
  usage: 'alims ingest FILE… [--json]',
  async run(context) {
    const { values, positionals } = parseArgs({
      args: context.argv,
      options: { json: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    })
    if (positionals.length === 0)
      throw new AppError('USAGE', 'alims ingest needs at least one FILE')

    const { config, logger } = context.setup()
    const database = await openMigrated(config, logger)
    try {
      const report = await ingestFiles({ config, logger, database }, positionals)
      context.stdout.write(values.json ? `${JSON.stringify(report)}\n` : table(report))
    } finally {
      await database.close()
    }

    return 0
  },
}
