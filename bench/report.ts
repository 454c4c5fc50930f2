// The machine-readable side of the benches: with `--json`, a bench ends its output with one
// line holding a JSON object of its figures, which `npm run bench` (bench/all.ts) reads.

/** Whether the bench was asked for its JSON line. */
export const wantsJson = process.argv.includes('--json')

/** Writes `{ bench, ...figures }` as the last line of the output when `--json` was given. */
export function reportJson(bench: string, figures: Record<string, unknown>): void {
  if (!wantsJson) return

  process.stdout.write(`${JSON.stringify({ bench, ...figures })}\n`)
}

/** Reads the JSON line a bench ended its output with; throws when there is none. */
export function readReport(stdout: string, bench: string): unknown {
  const line = stdout
    .trimEnd()
    .split('\n')
    .reverse()
    .find((text) => text.startsWith(`{"bench":"${bench}"`))
  if (line === undefined) throw new Error(`bench ${bench} printed no JSON line`)

  return JSON.parse(line)
}
