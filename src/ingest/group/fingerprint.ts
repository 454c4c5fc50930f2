import { createHash } from 'node:crypto'

/** Length of a fingerprint in hex characters (80 bits). */
export const FINGERPRINT_LENGTH = 20

/**
 * The incident key of a (service, template) pair: the first 20 hex characters of
 * SHA-1(service NUL template). A pure function, so every process and every restart agrees.
 */
export function fingerprintOf(service: string, template: string): string {
  return createHash('sha1')
    .update(service)
    .update('\0')
    .update(template)
    .digest('hex')
    .slice(0, FINGERPRINT_LENGTH)
}
