import type { AccountRepository } from './account-repository.js'
import type { AuditLog } from './audit-log.js'
import { checkPasswordPolicy, type PasswordHasher } from './password-hasher.js'
import { randomSecret } from './secrets.js'

/** The name of the account that the first start creates. */
export const FIRST_ADMIN = 'admin'

/** What `ensureAdmin` did; `generatedPassword` is set only when this call made the account up. */
export interface EnsureAdminResult {
  created: boolean
  generatedPassword: string | null
}

/**
 * Creates the `admin` account unless it exists: with `configuredPassword`, or with a random
 * 144-bit password that the caller shows once. Safe when several processes start at once:
 * the unique username decides which insert wins, and only the winner reports a password.
 */
export async function ensureAdmin(parts: {
  accounts: AccountRepository
  hasher: PasswordHasher
  audit: AuditLog
  configuredPassword: string | null
}): Promise<EnsureAdminResult> {
  if ((await parts.accounts.findByUsername(FIRST_ADMIN)) !== null) {
    return { created: false, generatedPassword: null }
  }

  const password = parts.configuredPassword ?? randomSecret(18)
  checkPasswordPolicy(password, 'ALIMS_ADMIN_PASSWORD')
  const account = await parts.accounts.insertIfAbsent({
    username: FIRST_ADMIN,
    role: 'admin',
    passwordHash: await parts.hasher.hash(password),
  })
  if (account === null) return { created: false, generatedPassword: null }

  await parts.audit.record({
    action: 'user.created',
    actor: { id: null, name: 'system' },
    targetType: 'account',
    targetId: account.id,
    details: { username: FIRST_ADMIN, role: 'admin', firstStart: true },
  })

  return {
    created: true,
    generatedPassword: parts.configuredPassword === null ? password : null,
  }
}
