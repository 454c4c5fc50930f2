import type { SendMailOptions } from 'nodemailer'

import type { AlertEmail } from '../alert-email.js'

import type { SendOptions } from './notifier.js'
import { encodeQuotedPrintable } from './quoted-printable.js'

/** A text part of `type`, encoded here rather than by nodemailer (see encodeQuotedPrintable). */
function part(type: 'plain' | 'html', content: string): { raw: string } {
  return {
    raw: `Content-Type: text/${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${encodeQuotedPrintable(content)}`,
  }
}

/** The nodemailer message of an alert email: same headers whichever notifier sends it. */
export function mailOptions(
  from: string,
  email: AlertEmail,
  options: SendOptions = {},
): SendMailOptions {
  return {
    from,
    to: email.to,
    subject: email.subject,
    text: part('plain', email.text),
    html: part('html', email.html),
    messageId: email.messageId,
    disableFileAccess: true,
    disableUrlAccess: true,
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      ...options.headers,
    },
  }
}
