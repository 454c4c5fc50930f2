import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** A random URL-safe string carrying `bytes` bytes of entropy (32 bytes = 256 bits). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

/** The hex sha256 of `value`: what the database keeps of session ids and API tokens. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex')
}

/** Compares two strings in time that does not depend on where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(sha256(a), 'hex')
  const right = Buffer.from(sha256(b), 'hex')

  return timingSafeEqual(left, right)
}
