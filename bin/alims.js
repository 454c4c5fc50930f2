#!/usr/bin/env node
// The alims command. Runs the compiled CLI; `npm run build` (done by `npm install`) produces it.
import { existsSync } from 'node:fs'

import { CLI_PATH, runCli } from './load-cli.js'

if (!existsSync(CLI_PATH)) {
  console.error(
    'alims is not built yet: run `npm install` (or `npm run build`) in the project folder',
  )
  process.exit(1)
}
runCli()
