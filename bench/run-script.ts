// Runs a bench script as `npm run bench` does: its own Node process with tsx, output echoed.
import { spawn } from 'node:child_process'

const tsx = new URL('../node_modules/tsx/dist/esm/index.mjs', import.meta.url).pathname

/** Runs `node --import tsx SCRIPT ARGS…`, echoing its output; resolves to its stdout. */
export function runScript(script: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text
      process.stdout.write(text)
    })
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code === 0) resolve(stdout)
      else reject(new Error(`${script} exited with ${code}`))
    })
  })
}
