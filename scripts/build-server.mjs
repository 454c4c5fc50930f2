// npm run build:server — compiles the server and CLI into dist/cli: src/cli/main.ts and what it
// imports, bundled into a few ES modules (commands loaded on demand get chunks of their own).
// One file instead of some six hundred (Kysely alone has 263 modules) halves the start-up of
// every command, which `alims ingest` pays on each run. Type checking is `npm run typecheck`.
//
// Left out of the bundle, loaded from node_modules: native addons, and packages that find
// files of their own at run time (the Swagger UI serves its assets) or that only the web
// process needs. pino is bundled: its transports would start a thread from a file path, but
// alims writes its log lines to stdout itself and starts none.
import { rmSync } from 'node:fs'

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
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  sourcemap: true,
  logLevel: 'warning',
  // Bundled CommonJS packages call require(); an ES module has none of its own.
  banner: {
    js: "import { createRequire as alimsCreateRequire } from 'node:module'\nconst require = alimsCreateRequire(import.meta.url)",
  },
})
