import { Type, type Static } from '@sinclair/typebox'

import type { Account, ApiToken } from '../../accounts/index.js'

/** `{error: {code, message, field?}}`, the body of every error response. */
export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      field: Type.Optional(Type.String()),
    }),
  },
  { $id: 'Error' },
)

/** Error responses every guarded route can give. */
export const GUARDED_ERRORS = {
  401: ErrorSchema,
  403: ErrorSchema,
} as const

export const RoleSchema = Type.Union(
  [Type.Literal('viewer'), Type.Literal('editor'), Type.Literal('admin')],
  {
    description:
      'viewer reads; editor also changes alerts and incident status; admin manages users',
  },
)

const Time = Type.String({ format: 'date-time' })

export const AccountSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  role: RoleSchema,
  disabled: Type.Boolean(),
  createdAt: Time,
  updatedAt: Time,
  passwordChangedAt: Time,
  lastLoginAt: Type.Union([Time, Type.Null()]),
})

export type AccountJson = Static<typeof AccountSchema>

export const TokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  accountId: Type.Integer(),
  role: RoleSchema,
  prefix: Type.String({ description: 'the first characters of the token, to tell tokens apart' }),
  createdAt: Time,
  expiresAt: Type.Union([Time, Type.Null()]),
  revokedAt: Type.Union([Time, Type.Null()]),
  lastUsedAt: Type.Union([Time, Type.Null()]),
})

export type TokenJson = Static<typeof TokenSchema>

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms)
}

/** An account as the API shows it. */
export function accountJson(account: Account): AccountJson {
  return {
    id: account.id,
    username: account.username,
    email: account.email,
    role: account.role,
    disabled: account.disabled,
    createdAt: iso(account.createdAt),
    updatedAt: iso(account.updatedAt),
    passwordChangedAt: iso(account.passwordChangedAt),
    lastLoginAt: isoOrNull(account.lastLoginAt),
  }
}

/** A token as the API shows it: never its secret. */
export function tokenJson(token: ApiToken): TokenJson {
  return {
    id: token.id,
    name: token.name,
    accountId: token.accountId,
    role: token.role,
    prefix: token.prefix,
    createdAt: iso(token.createdAt),
    expiresAt: isoOrNull(token.expiresAt),
    revokedAt: isoOrNull(token.revokedAt),
    lastUsedAt: isoOrNull(token.lastUsedAt),
  }
}
