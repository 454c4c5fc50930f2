import type { ServiceNowConfig } from '../config/config.js'

import { ServiceNowClient } from './servicenow-client.js'
import { isTicketError } from './ticket-error.js'

/** One step of the connection test. */
export interface ConnectionCheck {
  name: 'auth' | 'table' | 'role'
  ok: boolean
  /** What was found, or the failure with its code; never a credential. */
  detail: string
}

/** The result of testing the ServiceNow connection, as the admin page shows it. */
export interface ConnectionReport {
  configured: boolean
  ok: boolean
  /** Instance base URL; no user name or password. */
  instance: string | null
  checks: ConnectionCheck[]
}

function reason(error: unknown): string {
  if (isTicketError(error)) return `${error.code}: ${error.message}`

  return `INTERNAL: ${error instanceof Error ? error.message : String(error)}`
}

/**
 * Tests the configured connection: the credentials (auth), read access to the incident
 * table (table), and the integration user's `itil` role (role). Sends no write.
 */
export async function testConnection(snow: ServiceNowConfig | null): Promise<ConnectionReport> {
  if (snow === null) {
    return { configured: false, ok: false, instance: null, checks: [] }
  }

  const client = new ServiceNowClient(snow)
  const checks: ConnectionCheck[] = []
  try {
    try {
      await client.list('incident', { sysparm_limit: '1', sysparm_fields: 'sys_id' })
      checks.push({ name: 'auth', ok: true, detail: `logged in as ${snow.user}` })
      checks.push({ name: 'table', ok: true, detail: 'the incident table is readable' })
    } catch (error) {
      const authFailed = isTicketError(error) && error.code === 'SNOW_AUTH_FAILED'
      const rejected = isTicketError(error) && error.code === 'SNOW_REJECTED'
      checks.push({
        name: 'auth',
        ok: rejected,
        detail: rejected ? `logged in as ${snow.user}` : reason(error),
      })
      if (!authFailed) checks.push({ name: 'table', ok: false, detail: reason(error) })

      return { configured: true, ok: false, instance: snow.baseUrl, checks }
    }

    try {
      const roles = await client.list('sys_user_has_role', {
        sysparm_query: `user.user_name=${snow.user}^role.name=itil`,
        sysparm_fields: 'sys_id,role.name,user.user_name',
        sysparm_limit: '1',
      })
      // Check the row: an ignored query returns grants of other users and roles.
      const hasItil = roles.some(
        (r) => r['role.name'] === 'itil' && r['user.user_name'] === snow.user,
      )
      checks.push({
        name: 'role',
        ok: hasItil,
        detail: hasItil
          ? `${snow.user} has the itil role`
          : `${snow.user} lacks the itil role: grant it so that tickets can be created and updated`,
      })
    } catch (error) {
      checks.push({ name: 'role', ok: false, detail: `roles could not be read (${reason(error)})` })
    }
  } finally {
    client.close()
  }

  return { configured: true, ok: checks.every((c) => c.ok), instance: snow.baseUrl, checks }
}
