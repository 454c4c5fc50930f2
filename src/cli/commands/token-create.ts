import { parseArgs } from 'node:util'

import { createAccountServices, isRole, parseDuration, ROLES } from '../../accounts/index.js'
import { AppError } from '../../errors/app-error.js'
import type { Command } from '../command.js'
import { openMigrated } from '../context.js'

const USAGE = 'alims token create NAME --user U [--role R] [--expires 30d|never]'

// Tokens expire unless asked otherwise: forgotten automation should not hold access forever.
const DEFAULT_EXPIRES = '90d'

/**
 * `alims token create`: prints a new API token once, alone on stdout so that scripts can
 * capture it (`TOKEN=$(alims token create ci --user admin)`); details go to stderr.
 */
export const tokenCreateCommand: Command = {
  name: 'token create',
  summary: 'print a new API token once (for scripts and automation)',
  usage: USAGE,
  async run(context) {
    let parsed
    try {
      parsed = parseArgs({
        args: context.argv,
        allowPositionals: true,
        options: {
          user: { type: 'string' },
          role: { type: 'string' },
          expires: { type: 'string' },
        },
      })
    } catch (error) {
      throw new AppError('USAGE', `${(error as Error).message}; usage: ${USAGE}`)
    }
    const [name, ...extra] = parsed.positionals
    const { user, role } = parsed.values
    if (name === undefined || extra.length > 0) {
      throw new AppError('USAGE', `give exactly one token NAME; usage: ${USAGE}`)
    }
    if (user === undefined) throw new AppError('USAGE', `--user is required; usage: ${USAGE}`)
    if (role !== undefined && !isRole(role)) {
      throw new AppError('USAGE', `--role must be one of ${ROLES.join(', ')}; usage: ${USAGE}`)
    }
    const expires = parsed.values.expires ?? DEFAULT_EXPIRES
    let expiresInMs: number | null = null
    if (expires !== 'never') {
      try {
        expiresInMs = parseDuration(expires, '--expires')
      } catch (error) {
        throw new AppError('USAGE', `${(error as Error).message} or never`)
      }
    }

    const { config, logger } = context.setup()
    const database = await openMigrated(config, logger)
    try {
      const accounts = createAccountServices(database)
      const account = await accounts.accounts.findByUsername(user.trim().toLowerCase())
      if (account === null) throw new AppError('NOT_FOUND', `no account named "${user}"`)

      const { token, secret } = await accounts.apiTokens.create(
        { name, accountId: account.id, ...(role === undefined ? {} : { role }), expiresInMs },
        { id: null, name: 'cli' },
      )
      const until =
        token.expiresAt === null
          ? 'never expires'
          : `expires ${new Date(token.expiresAt).toISOString()}`
      context.stderr.write(
        `token ${token.id} "${token.name}" for ${account.username} with role ${token.role}, ` +
          `${until}; it is shown only this once:\n`,
      )
      context.stdout.write(`${secret}\n`)
    } finally {
      await database.close()
    }

    return 0
  },
}
