#!/usr/bin/env node
// The alims command. Runs the compiled CLI; `npm run build` (done by `npm install`) produces it.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const entry = new URL('../dist/cli/main.js', import.meta.url)
if (!existsSync(fileURLToPath(entry))) {
  console.error(
    'alims is not built yet: run `npm install` (or `npm run build`) in the project folder',
  )
  process.exit(1)
}
await import(entry.href)
