// npm run bench — runs the benches in one go and writes their figures into docs/benchmarks.md,
// each next to the reference measured in the same run, with the machine and the command that
// reproduces it. Sections sit between `<!-- bench:NAME -->` markers; a bench not run keeps its
// section, and everything outside the markers (the hand-written Soak section) is left alone;
// a section that was never measured is a placeholder saying how to measure it.
// Usage: npm run bench [-- --only ingest,workers] [--skip search,alerts]
import { readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'

import { machineSection } from './all-machine.js'
import { SECTIONS } from './all-sections.js'
import { readReport } from './report.js'
import { runScript } from './run-script.js'

const DOC = 'docs/benchmarks.md'

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    skip: { type: 'string', default: '' },
  },
})
const names = SECTIONS.map((section) => section.name)
const only = values.only?.split(',') ?? names
const skip = values.skip.split(',')
for (const name of [...only, ...skip]) {
  if (name !== '' && !names.includes(name)) {
    process.stderr.write(`unknown bench "${name}": expected one of ${names.join(', ')}\n`)
    process.exit(2)
  }
}

const open = (name: string): string => `<!-- bench:${name} -->`
const close = (name: string): string => `<!-- /bench:${name} -->`

/** Adds the missing sections, in order, as placeholders: the machine first, then each bench. */
function withPlaceholders(doc: string, names: readonly string[]): string {
  let text = doc
  let after = -1
  for (const name of ['machine', ...names]) {
    if (!text.includes(close(name))) {
      const note =
        name === 'machine'
          ? 'Written by `npm run bench` with the figures.'
          : `Not measured yet: run \`npm run bench -- --only ${name}\`.`
      const block = `${open(name)}\n\n${note}\n\n${close(name)}`
      const soak = text.indexOf('\n## Soak')
      const at = after !== -1 ? after : soak === -1 ? text.length : soak + 1
      text =
        after !== -1
          ? `${text.slice(0, at)}\n\n${block}${text.slice(at)}`
          : `${text.slice(0, at)}${block}\n\n${text.slice(at)}`
    }
    after = text.indexOf(close(name)) + close(name).length
  }

  return text
}

/** Replaces the text between a section's markers. */
function place(doc: string, name: string, body: string): string {
  const start = doc.indexOf(open(name))
  const end = doc.indexOf(close(name)) + close(name).length

  return `${doc.slice(0, start)}${open(name)}\n\n${body.trim()}\n\n${close(name)}${doc.slice(end)}`
}

const round = (n: number): string => n.toFixed(2)

async function main(): Promise<void> {
  const chosen = SECTIONS.filter((s) => only.includes(s.name) && !skip.includes(s.name))
  const done: string[] = []
  let doc = withPlaceholders(readFileSync(DOC, 'utf8'), names)
  for (const section of chosen) {
    process.stdout.write(`\n== bench ${section.name}: ${section.command}\n`)
    const before = loadavg()[0] ?? NaN
    const started = Date.now()
    const stdout = await runScript(section.script, [...section.args, '--json'])
    const report = readReport(stdout, section.report)
    const extra = section.extra === undefined ? undefined : await section.extra(report)
    const after = loadavg()[0] ?? NaN
    const minutes = (Date.now() - started) / 60_000
    const measured =
      `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC in ` +
      `${minutes.toFixed(1)} min; load average ${round(before)} before, ${round(after)} after. ` +
      `Reproduce: \`${section.command}\`.`
    doc = place(doc, section.name, `${section.render(report, extra)}\n\n${measured}`)
    done.push(section.name)
    // Written after each bench, so a later failure keeps what was measured.
    doc = place(doc, 'machine', await machineSection())
    writeFileSync(DOC, doc)
  }
  if (done.length > 0) process.stdout.write(`\nwrote the figures of ${done.join(', ')} to ${DOC}\n`)
}

await main()
