import nodemailer from 'nodemailer'

import type { SmtpConfig } from '../../config/config.js'
import type { Logger } from '../../observability/logger.js'
import type { AlertEmail } from '../alert-email.js'

import { mailOptions } from './mail-options.js'
import type { DeliveryOutcome, Notifier, SendOptions } from './notifier.js'

/** How hard one run tries: attempts in all and the first backoff (doubling after each failure). */
export interface RetryBudget {
  attempts: number
  backoffMs: number
}

export const DEFAULT_RETRY: RetryBudget = { attempts: 3, backoffMs: 2000 }

// Emails sent over one pooled connection before it is closed and a fresh one opened.
const MAX_MESSAGES = 100

export interface SmtpNotifierOptions {
  retry?: RetryBudget
  /** Waits between attempts; tests pass a fast one. */
  sleep?: (ms: number) => Promise<void>
  /** Connection, greeting and socket timeouts in ms. */
  timeoutMs?: number
}

interface SmtpError {
  message?: string
  code?: string
  responseCode?: number
  response?: string
}

function describe(error: SmtpError): string {
  const reply = error.response ?? error.message ?? 'unknown error'

  return error.code === undefined ? reply : `${error.code}: ${reply}`
}

/** 5xx replies are permanent; 4xx, timeouts and connection errors may pass on a retry. */
function isPermanent(error: SmtpError): boolean {
  return error.responseCode !== undefined && error.responseCode >= 500
}

/**
 * Sends alert emails over SMTP (STARTTLS, TLS or plain; optional auth) with retries, over a pool
 * of at most `smtp.maxConnections` connections.
 */
export function createSmtpNotifier(
  smtp: SmtpConfig,
  logger: Logger,
  options: SmtpNotifierOptions = {},
): Notifier {
  const retry = options.retry ?? DEFAULT_RETRY
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const timeout = options.timeoutMs ?? 30_000
  // Pooled: the emails of a tick share a few open connections instead of paying a TCP (and TLS)
  // handshake, greeting and login each. A connection is replaced after MAX_MESSAGES emails.
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: smtp.maxConnections ?? 5,
    maxMessages: MAX_MESSAGES,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure === 'tls',
    requireTLS: smtp.secure === 'starttls-required',
    ignoreTLS: smtp.secure === 'none',
    ...(smtp.user === null ? {} : { auth: { user: smtp.user, pass: smtp.password ?? '' } }),
    // Certificates are always verified; a private CA is added to the trusted ones.
    tls: { rejectUnauthorized: true, ...(typeof smtp.ca === 'string' ? { ca: smtp.ca } : {}) },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    disableFileAccess: true,
    disableUrlAccess: true,
  })

  async function send(email: AlertEmail, sendOptions?: SendOptions): Promise<DeliveryOutcome> {
    let attempts = 0
    let last: SmtpError = {}
    while (attempts < retry.attempts) {
      attempts += 1
      try {
        const info = (await transport.sendMail(mailOptions(smtp.from, email, sendOptions))) as {
          response?: string
          rejected?: unknown[]
        }
        const rejected = (info.rejected ?? []).map(String)
        const reply = info.response ?? null

        return {
          status: 'sent',
          attempts,
          reply,
          error: rejected.length === 0 ? null : `rejected recipients: ${rejected.join(', ')}`,
        }
      } catch (error) {
        last = error as SmtpError
        const permanent = isPermanent(last)
        logger.warn(
          {
            messageId: email.messageId,
            attempts,
            code: last.code,
            responseCode: last.responseCode,
            permanent,
          },
          'alert email attempt failed',
        )
        if (permanent) break
        if (attempts < retry.attempts) await sleep(retry.backoffMs * 2 ** (attempts - 1))
      }
    }

    return { status: 'failed', attempts, reply: last.response ?? null, error: describe(last) }
  }

  return {
    kind: 'smtp',
    send,
    close() {
      transport.close()
    },
  }
}
