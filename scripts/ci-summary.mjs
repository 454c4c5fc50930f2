// Reads Vitest's JSON report, fails when a PostgreSQL suite was skipped, and prints the closing line.
import { readFileSync } from 'node:fs'

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const tests = report.testResults.flatMap((file) => file.assertionResults)
const count = (status) => tests.filter((t) => t.status === status).length
const isPostgres = (t) => t.ancestorTitles.includes('postgres')
const postgres = tests.filter(isPostgres)
const skippedPostgres = postgres.filter((t) => t.status !== 'passed' && t.status !== 'failed')

let failedChecks = 0
if (postgres.length === 0) {
  console.error('ci: no PostgreSQL suite ran')
  failedChecks += 1
}
if (skippedPostgres.length > 0) {
  console.error(`ci: ${skippedPostgres.length} PostgreSQL tests were skipped`)
  failedChecks += 1
}
const fileErrors = report.testResults.filter(
  (f) => f.status === 'failed' && f.assertionResults.length === 0,
)

console.log(`postgres: ${postgres.filter((t) => t.status === 'passed').length} passed`)
console.log(
  `${count('passed')} passed, ${count('failed') + fileErrors.length + failedChecks} failed, ${count('skipped') + count('pending') + count('todo')} skipped`,
)
process.exit(report.success && failedChecks === 0 ? 0 : 1)
