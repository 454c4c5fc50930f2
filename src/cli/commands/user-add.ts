import { parseArgs } from 'node:util'

import { createAccountServices, isRole, ROLES } from '../../accounts/index.js'
import { AppError } from '../../errors/app-error.js'
import type { Command } from '../command.js'
import { openMigrated } from '../context.js'
import { readNewPassword } from '../read-password.js'

const USAGE = 'alims user add NAME --role admin|editor|viewer [--email E] [--password-stdin]'

/** `alims user add`: creates an account; the password comes from a hidden prompt or stdin. */
export const userAddCommand: Command = {
  name: 'user add',
  summary: 'create an account (password from a prompt or --password-stdin)',
  usage: USAGE,
  async run(context) {
    let parsed
    try {
      parsed = parseArgs({
        args: context.argv,
        allowPositionals: true,
        options: {
          role: { type: 'string' },
          email: { type: 'string' },
          'password-stdin': { type: 'boolean', default: false },
        },
      })
    } catch (error) {
      throw new AppError('USAGE', `${(error as Error).message}; usage: ${USAGE}`)
    }
    const [name, ...extra] = parsed.positionals
    const role = parsed.values.role
    if (name === undefined || extra.length > 0) {
      throw new AppError('USAGE', `give exactly one account NAME; usage: ${USAGE}`)
    }
    if (!isRole(role)) {
      throw new AppError('USAGE', `--role must be one of ${ROLES.join(', ')}; usage: ${USAGE}`)
    }

    const password = await readNewPassword(context, parsed.values['password-stdin'])
    const { config, logger } = context.setup()
    const database = await openMigrated(config, logger)
    try {
      const accounts = createAccountServices(database)
      const account = await accounts.users.create(
        { username: name, role, email: parsed.values.email ?? null, password },
        { id: null, name: 'cli' },
      )
      context.stdout.write(
        `created ${account.role} account ${account.username} (id ${account.id})\n`,
      )
    } finally {
      await database.close()
    }

    return 0
  },
}
