import type { Role } from '../auth/auth-context.js'

/** An account as GET /api/v1/users lists it. */
export interface UserRow {
  id: number
  username: string
  email: string | null
  role: Role
  disabled: boolean
  lastLoginAt: string | null
}

export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin']
