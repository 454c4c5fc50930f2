// Runs the compiled CLI (dist/cli/main.cjs) with V8's code cache of it, which the build leaves
// beside it: compiling the bundle's 2 MB of JavaScript, and then each function as it is first
// called, is most of what a command costs to start. The cache is used only with the very bundle
// it was made from (its SHA-256, noted in a stamp file, about 2 ms to check); V8 itself refuses
// one from another Node.js or V8 version. Either way the bundle is then compiled as usual.
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import Module, { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Script } from 'node:vm'

/** The compiled CLI. */
export const CLI_PATH = fileURLToPath(new URL('../dist/cli/main.cjs', import.meta.url))
const CACHE_PATH = `${CLI_PATH}.cache`
const STAMP_PATH = `${CLI_PATH}.cache.json`

function stampOf(bundle) {
  return { sha256: createHash('sha256').update(bundle).digest('hex') }
}

function readCache(stamp) {
  try {
    const kept = JSON.parse(readFileSync(STAMP_PATH, 'utf8'))
    if (kept.sha256 !== stamp.sha256) return undefined

    return readFileSync(CACHE_PATH)
  } catch {
    return undefined
  }
}

/**
 * Loads and runs the CLI, which reads its command from process.argv. With `writeCache`, the
 * code cache is written when the process exits, holding every function compiled by then.
 * Returns whether a code cache was used.
 */
export function runCli({ writeCache = false } = {}) {
  const bundle = readFileSync(CLI_PATH)
  const stamp = stampOf(bundle)
  const cachedData = writeCache ? undefined : readCache(stamp)
  const script = new Script(Module.wrap(bundle.toString('utf8')), {
    filename: CLI_PATH,
    cachedData,
  })
  if (writeCache) {
    process.once('exit', () => {
      writeFileSync(CACHE_PATH, script.createCachedData())
      writeFileSync(STAMP_PATH, `${JSON.stringify(stamp)}\n`)
    })
  }
  const module = { exports: {} }
  script.runInThisContext()(
    module.exports,
    createRequire(CLI_PATH),
    module,
    CLI_PATH,
    dirname(CLI_PATH),
  )

  return cachedData !== undefined && !script.cachedDataRejected
}
