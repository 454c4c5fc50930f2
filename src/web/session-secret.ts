import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { randomBytes } from 'node:crypto'

import type { Config } from '../config/config.js'

/** The file in the data dir that holds the generated secret. */
export const SESSION_SECRET_FILE = 'session-secret'

/**
 * SESSION_SECRET, or the secret generated once into `<dataDir>/session-secret` (mode 0600).
 * It signs cookies other than the session cookie (@fastify/cookie's `signCookie`): session ids
 * are 256 random bits looked up by their sha256 in the database, so they need no signature,
 * and web processes on several hosts keep working without sharing the secret.
 */
export function loadSessionSecret(config: Config): string {
  if (config.sessionSecret !== null) return config.sessionSecret

  const path = join(config.dataDir, SESSION_SECRET_FILE)
  try {
    const existing = readFileSync(path, 'utf8').trim()
    if (existing !== '') return existing
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }

  mkdirSync(config.dataDir, { recursive: true })
  const secret = randomBytes(32).toString('base64url')
  try {
    // 'wx' fails when another process created the file first; then its secret wins.
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' })
    chmodSync(path, 0o600)

    return secret
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error

    return readFileSync(path, 'utf8').trim()
  }
}
