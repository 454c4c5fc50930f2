import type { AddressInfo } from 'node:net'

import { SMTPServer } from 'smtp-server'

/** A message the sink accepted: envelope, raw RFC 5322 text, and whether it came over TLS. */
export interface ReceivedMail {
  from: string
  to: string[]
  raw: string
  secure: boolean
}

/** TLS of the sink: none (default), STARTTLS offered with `tls`, or implicit TLS (`secure`). */
export interface SinkOptions {
  tls?: { key: string; cert: string }
  /** Implicit TLS from the first byte (port 465 style); needs `tls`. */
  secure?: boolean
  /** Accepted logins; without it AUTH is optional and any login passes. */
  users?: Record<string, string>
}

/** How the sink answers DATA: accept (250), a temporary (451) or a permanent (554) failure. */
export type SinkMode = 'accept' | 'tempfail' | 'reject'

/** A real SMTP server on 127.0.0.1 that tests can take down, bring back and make fail. */
export interface SmtpSink {
  readonly port: number
  readonly messages: ReceivedMail[]
  /** Connections opened by clients since the start, and logins that succeeded. */
  readonly connections: number
  readonly logins: string[]
  mode: SinkMode
  /** Called once DATA was accepted, before the 250 reply is written. */
  onAccepted: ((mail: ReceivedMail) => void) | null
  down(): Promise<void>
  up(): Promise<void>
  stop(): Promise<void>
}

function create(
  sink: {
    mode: SinkMode
    messages: ReceivedMail[]
    onAccepted: SmtpSink['onAccepted']
    connections: number
    logins: string[]
  },
  options: SinkOptions,
): SMTPServer {
  const users = options.users

  return new SMTPServer({
    authOptional: users === undefined,
    onConnect(_session, callback) {
      sink.connections += 1
      callback()
    },
    onAuth(auth, session, callback) {
      if (users !== undefined && users[auth.username ?? ''] !== auth.password) {
        callback(new Error('Invalid username or password'))

        return
      }
      sink.logins.push(`${auth.username ?? ''}${session.secure ? ' (TLS)' : ''}`)
      callback(null, { user: auth.username })
    },
    ...(options.tls === undefined
      ? { disabledCommands: ['STARTTLS'] }
      : { key: options.tls.key, cert: options.tls.cert, secure: options.secure === true }),
    // Going down drops the connections a client keeps open, as a crashed server would.
    closeTimeout: 50,
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
          secure: session.secure,
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
export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
  const state = {
    mode: 'accept' as SinkMode,
    messages: [] as ReceivedMail[],
    onAccepted: null as SmtpSink['onAccepted'],
    connections: 0,
    logins: [] as string[],
  }
  let server: SMTPServer | null = create(state, options)
  const port = await listen(server, 0)

  return {
    port,
    messages: state.messages,
    get connections() {
      return state.connections
    },
    logins: state.logins,
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
      server = create(state, options)
      await listen(server, port)
    },
    async stop() {
      if (server !== null) await close(server)
      server = null
    },
  }
}
