import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { alertMessageId, type AlertEmail } from '../../../src/alerts/alert-email.js'
import type { Notifier } from '../../../src/alerts/notifiers/notifier.js'
import { createSmtpNotifier } from '../../../src/alerts/notifiers/smtp-notifier.js'
import { loadConfig } from '../../../src/config/config.js'

import { silentLogger } from './alert-fixtures.js'
import { parseMail } from './parse-mail.js'
import { startSmtpSink, type SinkOptions, type SmtpSink } from './smtp-sink.js'

// The SMTP notifier against a real smtp-server: STARTTLS and implicit TLS with a private CA,
// certificate checks that never fall back to plain text, logins, and the connection pool.
describe('SMTP transport', () => {
  let dir: string
  let tls: { key: string; cert: string }
  const sinks: SmtpSink[] = []
  const notifiers: Notifier[] = []

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'alims-smtp-tls-'))
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=alims test mail CA',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    )
    tls = {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    }
  })
  afterEach(async () => {
    for (const notifier of notifiers.splice(0)) notifier.close()
    for (const sink of sinks.splice(0)) await sink.stop()
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  async function sink(options: SinkOptions = {}): Promise<SmtpSink> {
    const started = await startSmtpSink(options)
    sinks.push(started)

    return started
  }

  /** A notifier configured the way an operator would, through the environment. */
  function notifier(port: number, env: Record<string, string> = {}): Notifier {
    const smtp = loadConfig(
      { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_FROM: 'alims@example.com', ...env },
      '/nonexistent',
    ).smtp
    if (smtp === null) throw new Error('SMTP is not configured')
    const made = createSmtpNotifier(smtp, silentLogger, {
      retry: { attempts: 2, backoffMs: 1 },
      timeoutMs: 5_000,
    })
    notifiers.push(made)

    return made
  }

  function email(n: number): AlertEmail {
    return {
      to: ['ops@example.com'],
      subject: `alert ${n}`,
      text: `text of ${n}\n`,
      html: `<p>html of ${n}</p>\n`,
      messageId: alertMessageId(n, 1_000 * n),
    }
  }

  it('upgrades with STARTTLS and verifies the server against SMTP_CA_FILE', async () => {
    const server = await sink({ tls })
    const mail = notifier(server.port, { SMTP_CA_FILE: join(dir, 'cert.pem') })

    const outcome = await mail.send(email(1))

    expect(outcome).toMatchObject({ status: 'sent', attempts: 1, error: null })
    expect(server.messages).toHaveLength(1)
    expect(server.messages[0]?.secure).toBe(true)
    expect(parseMail(server.messages[0]?.raw ?? '').header('Message-ID')).toEqual([
      alertMessageId(1, 1_000),
    ])
  })

  it('fails on a certificate it cannot verify and never sends the message in plain text', async () => {
    const server = await sink({ tls })
    const mail = notifier(server.port)

    const outcome = await mail.send(email(2))

    expect(outcome.status).toBe('failed')
    expect(outcome.error).toMatch(/certificate/i)
    expect(server.messages).toHaveLength(0)
  })

  it('speaks implicit TLS with SMTP_SECURE=tls', async () => {
    const server = await sink({ tls, secure: true })
    const mail = notifier(server.port, {
      SMTP_SECURE: 'tls',
      SMTP_CA_FILE: join(dir, 'cert.pem'),
    })

    expect(await mail.send(email(3))).toMatchObject({ status: 'sent' })
    expect(server.messages.map((m) => m.secure)).toEqual([true])
  })

  it('refuses a server without STARTTLS when SMTP_SECURE=starttls-required', async () => {
    const server = await sink()
    const mail = notifier(server.port, { SMTP_SECURE: 'starttls-required' })

    const outcome = await mail.send(email(4))

    expect(outcome.status).toBe('failed')
    expect(server.messages).toHaveLength(0)
  })

  it('logs in after STARTTLS, and a wrong password is a permanent failure tried once', async () => {
    const server = await sink({ tls, users: { alims: 'right-password' } })
    const ca = join(dir, 'cert.pem')

    const good = notifier(server.port, {
      SMTP_CA_FILE: ca,
      SMTP_USER: 'alims',
      SMTP_PASSWORD: 'right-password',
    })
    expect(await good.send(email(5))).toMatchObject({ status: 'sent' })
    expect(server.logins).toEqual(['alims (TLS)'])

    const bad = notifier(server.port, {
      SMTP_CA_FILE: ca,
      SMTP_USER: 'alims',
      SMTP_PASSWORD: 'wrong-password',
    })
    const outcome = await bad.send(email(6))
    expect(outcome).toMatchObject({ status: 'failed', attempts: 1 })
    expect(outcome.error).toMatch(/535|Invalid username or password/)
    expect(server.messages).toHaveLength(1)
  })

  it('sends many emails over at most SMTP_MAX_CONNECTIONS connections', async () => {
    const server = await sink()
    const mail = notifier(server.port, { SMTP_SECURE: 'none', SMTP_MAX_CONNECTIONS: '3' })

    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, n) => mail.send(email(n))))

    expect(outcomes.every((o) => o.status === 'sent')).toBe(true)
    expect(server.messages).toHaveLength(40)
    expect(server.connections).toBeLessThanOrEqual(3)
  })

  it('drops pooled connections the server closed, and sends again once it is back', async () => {
    const server = await sink()
    const mail = notifier(server.port, { SMTP_SECURE: 'none' })
    expect(await mail.send(email(7))).toMatchObject({ status: 'sent' })

    await server.down()
    const during = await mail.send(email(8))
    await server.up()
    const after = await mail.send(email(9))

    expect(during).toMatchObject({ status: 'failed', attempts: 2 })
    expect(after).toMatchObject({ status: 'sent' })
    expect(server.messages.map((m) => parseMail(m.raw).header('Subject')[0])).toEqual([
      'alert 7',
      'alert 9',
    ])
  })
})
