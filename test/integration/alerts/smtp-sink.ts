import type { AddressInfo } from 'node:net'

import { SMTPServer } from 'smtp-server'

/** A message the sink accepted: envelope and raw RFC 5322 text. */
export interface ReceivedMail {
  from: string
  to: string[]
  raw: string
}

/** How the sink answers DATA: accept (250), a temporary (451) or a permanent (554) failure. */
export type SinkMode = 'accept' | 'tempfail' | 'reject'

/** A real SMTP server on 127.0.0.1 that tests can take down, bring back and make fail. */
export interface SmtpSink {
  readonly port: number
  readonly messages: ReceivedMail[]
  mode: SinkMode
  /** Called once DATA was accepted, before the 250 reply is written. */
  onAccepted: ((mail: ReceivedMail) => void) | null
  down(): Promise<void>
  up(): Promise<void>
  stop(): Promise<void>
}

function create(sink: {
  mode: SinkMode
  messages: ReceivedMail[]
  onAccepted: SmtpSink['onAccepted']
}): SMTPServer {
  return new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        if (sink.mode !== 'accept') {
          const error = new Error(
            sink.mode === 'reject' ? 'Message rejected as spam' : 'Try again later',
          ) as Error & { responseCode: number }
          error.responseCode = sink.mode === 'reject' ? 554 : 451
          callback(error)

          return
        }
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        }
        sink.messages.push(mail)
        sink.onAccepted?.(mail)
        callback(null)
      })
    },
  })
}

function listen(server: SMTPServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      resolve((server.server.address() as AddressInfo).port)
    })
  })
}

function close(server: SMTPServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve()
    })
  })
}

/** Starts the sink on a free port. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const state = {
    mode: 'accept' as SinkMode,
    messages: [] as ReceivedMail[],
    onAccepted: null as SmtpSink['onAccepted'],
  }
  let server: SMTPServer | null = create(state)
  const port = await listen(server, 0)

  return {
    port,
    messages: state.messages,
    get mode() {
      return state.mode
    },
    set mode(value: SinkMode) {
      state.mode = value
    },
    get onAccepted() {
      return state.onAccepted
    },
    set onAccepted(value) {
      state.onAccepted = value
    },
    async down() {
      if (server !== null) await close(server)
      server = null
    },
    async up() {
      if (server !== null) return
      server = create(state)
      await listen(server, port)
    },
    async stop() {
      if (server !== null) await close(server)
      server = null
    },
  }
}
