import { basename } from 'node:path'

const SUFFIX = /(?:\.(?:log|txt|out|err|json|jsonl|ndjson|gz|\d+))+$/i

/**
 * The service a file's events belong to when they name none: the file name without its log
 * extensions and rotation suffix (`/var/log/billing-api.log.1` → `billing-api`).
 */
export function serviceFromPath(path: string): string {
  const name = basename(path)
  const bare = name.replace(SUFFIX, '')

  return bare === '' ? name : bare
}
