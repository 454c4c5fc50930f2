// A local SMTP server for bench:alerts, in its own process as a real mail server would be: it
// accepts every message, keeps none, and reports its port on stdout.
import type { AddressInfo } from 'node:net'

import { SMTPServer } from 'smtp-server'

let accepted = 0
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined)
    stream.on('end', () => {
      accepted += 1
      callback(null)
    })
  },
})
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.server.address() as AddressInfo).port}\n`)
})
process.on('SIGTERM', () => {
  process.stderr.write(`smtp sink accepted ${accepted} messages\n`)
  server.close(() => process.exit(0))
})
