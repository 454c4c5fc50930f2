import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import nodemailer from 'nodemailer'

import type { AlertEmail } from '../alert-email.js'

import { mailOptions } from './mail-options.js'
import type { DeliveryOutcome, Notifier, SendOptions } from './notifier.js'

/** The sender of outbox files when no SMTP server is configured. */
export const OUTBOX_FROM = 'alims@localhost'

/** File name of a message: its Message-ID reduced to safe characters. */
export function emlFileName(messageId: string, at: number): string {
  const id = messageId.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '')

  return `${at}-${id}.eml`
}

/**
 * Writes each email as an RFC 5322 `.eml` file into `dir` (`<dataDir>/outbox`), for setups
 * without SMTP; the run is recorded as `outbox` with the file path as its reply.
 */
export function createEmlFileNotifier(dir: string, clock: () => number = Date.now): Notifier {
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  })

  let made = false

  async function send(email: AlertEmail, options?: SendOptions): Promise<DeliveryOutcome> {
    try {
      const info = (await transport.sendMail(mailOptions(OUTBOX_FROM, email, options))) as {
        message: Buffer
      }
      if (!made) {
        mkdirSync(dir, { recursive: true })
        made = true
      }
      // Written synchronously: a message is a few kilobytes in a local folder, and the promise
      // API's open, write, close and rename round trips cost more than the writes themselves
      // when a tick writes hundreds of them.
      const path = join(dir, emlFileName(email.messageId, clock()))
      const temp = `${path}.tmp`
      writeFileSync(temp, info.message, { mode: 0o640 })
      renameSync(temp, path)

      return { status: 'outbox', attempts: 1, reply: path, error: null }
    } catch (error) {
      // The folder may have been removed: create it again on the next send.
      made = false
      return {
        status: 'failed',
        attempts: 1,
        reply: null,
        error: `outbox: ${(error as Error).message}`,
      }
    }
  }

  return { kind: 'eml', send, close: () => undefined }
}
