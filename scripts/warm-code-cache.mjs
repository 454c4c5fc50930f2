// Run by `npm run build:server` after bundling: runs `alims ingest --json` over a small log of
// the common formats in a scratch folder and database, and leaves V8's code cache of the bundle
// (with every function that run compiled) in dist/cli, where bin/alims.js finds it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { CLI_PATH, runCli } from '../bin/load-cli.js'

const RECORDS = [
  (n) =>
    `{"time":"2026-01-01T10:00:${pad(n)}.000Z","level":"info","service":"api","msg":"request ${n} served in ${n % 97} ms"}`,
  (n) =>
    `{"timestamp":"2026-01-01T10:00:${pad(n)}Z","level":"ERROR","source":"delivery","message":"null values found","job_id":"JOB${n}"}`,
  (n) =>
    `ts=2026-01-01T10:01:${pad(n)}Z level=warn msg="cache miss for key user:${n}" service=cache`,
  (n) =>
    `2026-01-01 10:02:${pad(n)}.123 ERROR [main] com.example.Checkout - payment failed for order ${n}\n` +
    'java.lang.IllegalStateException: connection refused\n' +
    `\tat com.example.Db.connect(Db.java:${n % 80})\n` +
    '\tat com.example.Checkout.pay(Checkout.java:17)',
  (n) =>
    `10.0.${n % 250}.7 - - [01/Jan/2026:10:03:${pad(n)} +0000] "GET /api/items/${n} HTTP/1.1" ${n % 3 === 0 ? 503 : 200} 512 "-" "curl/8.0"`,
  (n) =>
    `<11>1 2026-01-01T10:04:${pad(n)}Z host app ${n} - - disk quota exceeded on /var/data/${n}`,
  (n) =>
    'Traceback (most recent call last):\n' +
    `  File "/srv/app.py", line ${n % 50}, in main\n` +
    '    run()\n' +
    `ValueError: bad input ${n}`,
  (n) => `2026-01-01 10:05:${pad(n)},789 WARNING worker: retry ${n % 5} of 5 after timeout`,
  (n) =>
    `Jan  1 10:06:${pad(n)} host sshd[${n}]: Failed password for invalid user admin from 10.1.1.${n % 250}`,
]

function pad(n) {
  return String(n % 60).padStart(2, '0')
}

const dir = mkdtempSync(join(tmpdir(), 'alims-code-cache-'))
process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
const log = join(dir, 'sample.log')
const lines = []
for (let n = 0; n < 300; n++) lines.push(RECORDS[n % RECORDS.length](n))
writeFileSync(log, `${lines.join('\n')}\n`)

// A scratch database, and the scratch folder as working directory: no .env of the project's.
process.env.DATABASE_URL = `sqlite:${join(dir, 'warm.db')}`
process.env.ALIMS_LOG_LEVEL = 'warn'
process.chdir(dir)
process.argv = [process.execPath, CLI_PATH, 'ingest', log, '--json']
runCli({ writeCache: true })
