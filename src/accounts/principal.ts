import type { Role } from './roles.js'

/** Who a request acts as: an account through a session cookie or through an API token. */
export type Principal = SessionPrincipal | TokenPrincipal

interface BasePrincipal {
  accountId: number
  username: string
  /** The role in effect: for a token, the weaker of the token's and the account's role. */
  role: Role
}

export interface SessionPrincipal extends BasePrincipal {
  via: 'session'
  /** sha256 of the session id (the row key), never the id itself. */
  sessionKey: string
  csrfToken: string
}

export interface TokenPrincipal extends BasePrincipal {
  via: 'token'
  tokenId: number
}
