import type { SendMailOptions } from 'nodemailer'

import type { AlertEmail } from '../alert-email.js'

import type { SendOptions } from './notifier.js'

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
    text: email.text,
    html: email.html,
    messageId: email.messageId,
    textEncoding: 'quoted-printable',
    disableFileAccess: true,
    disableUrlAccess: true,
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      ...options.headers,
    },
  }
}
