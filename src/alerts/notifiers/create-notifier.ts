import { join } from 'node:path'

import type { Config } from '../../config/config.js'
import type { Logger } from '../../observability/logger.js'

import { createEmlFileNotifier } from './eml-file-notifier.js'
import type { Notifier } from './notifier.js'
import { createSmtpNotifier, type SmtpNotifierOptions } from './smtp-notifier.js'

/** SMTP when `SMTP_HOST` is set, otherwise `.eml` files in `<dataDir>/outbox`. */
export function createNotifier(
  config: Pick<Config, 'smtp' | 'dataDir'>,
  logger: Logger,
  options: SmtpNotifierOptions & { clock?: () => number } = {},
): Notifier {
  return config.smtp === null
    ? createEmlFileNotifier(join(config.dataDir, 'outbox'), options.clock)
    : createSmtpNotifier(config.smtp, logger, options)
}
