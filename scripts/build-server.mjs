// npm run build:server — compiles the server and CLI into dist/cli/main.cjs: src/cli/main.ts and
// what it imports, bundled into one script, then leaves V8's code cache of it beside it (see
// bin/load-cli.js). One file instead of some six hundred (Kysely alone has 263 modules) halves
// the start-up of every command, which `alims ingest` pays on each run, and the code cache
// takes another quarter off. Type checking is `npm run typecheck`.
//
// Left out of the bundle, loaded from node_modules: native addons, and packages that find
// files of their own at run time (the Swagger UI serves its assets) or that only the web
// process needs. pino is bundled: its transports would start a thread from a file path, but
// alims writes its log lines to stdout itself and starts none.
import { spawnSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'

import { build } from 'esbuild'

const EXTERNAL = [
  'better-sqlite3',
  '@node-rs/argon2',
  're2',
  'pg',
  'pg-native',
  'fastify',
  '@fastify/*',
  'nodemailer',
]

rmSync('dist', { recursive: true, force: true })
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli/main.cjs',
  bundle: true,
  platform: 'node',
  // CommonJS: V8's code cache (below) can be made and used for a script, not for an ES module,
  // on Node.js 20. Commands still load on demand: their modules run when first imported.
  format: 'cjs',
  target: 'node20',
  external: EXTERNAL,
  sourcemap: true,
  logLevel: 'warning',
  define: { 'import.meta.url': 'alimsModuleUrl' },
  banner: { js: "const alimsModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
})

// The code cache: a run of `alims ingest` over a sample log, which must read all of it.
const warm = spawnSync(process.execPath, ['scripts/warm-code-cache.mjs'], { encoding: 'utf8' })
const report = warm.status === 0 ? JSON.parse(warm.stdout.trim().split('\n').pop() ?? '{}') : {}
if (!(report.lines > 0) || !existsSync('dist/cli/main.cjs.cache')) {
  throw new Error(`making the code cache failed (status ${warm.status}): ${warm.stderr}`)
}
