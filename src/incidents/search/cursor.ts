import { AppError } from '../../errors/app-error.js'

/** Where a page ended: the sort keys of its last incident (ending with the id) and the search's `now`. */
export interface CursorState {
  keys: number[]
  now: number
}

function invalid(reason: string): AppError {
  return new AppError('CURSOR_INVALID', `cursor is not valid: ${reason}; start again without it`, {
    status: 400,
    field: 'cursor',
  })
}

/** A short, stable digest of a search's parameters, so that a cursor only continues its own search. */
export function searchDigest(parts: unknown): string {
  let hash = 0x811c9dc5
  for (const char of JSON.stringify(parts)) {
    hash ^= char.codePointAt(0) ?? 0
    hash = Math.imul(hash, 0x01000193) >>> 0
  }

  return hash.toString(36)
}

/** Encodes a page position as an opaque URL-safe string. */
export function encodeCursor(state: CursorState, digest: string): string {
  return Buffer.from(JSON.stringify({ k: state.keys, n: state.now, d: digest })).toString(
    'base64url',
  )
}

/**
 * Decodes a cursor made by `encodeCursor` for the same search (`digest`) and number of keys.
 * Anything else is a 400 CURSOR_INVALID.
 */
export function decodeCursor(text: string, digest: string, keyCount: number): CursorState {
  if (text.length > 512 || !/^[A-Za-z0-9_-]+$/.test(text)) throw invalid('unexpected characters')

  let value: unknown
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    throw invalid('it does not decode')
  }
  if (typeof value !== 'object' || value === null) throw invalid('it does not decode')

  const { k, n, d } = value as Record<string, unknown>
  if (d !== digest) throw invalid('it belongs to a different search or sort order')
  const isSafe = (x: unknown): x is number => Number.isSafeInteger(x)
  if (!Array.isArray(k) || k.length !== keyCount || !k.every(isSafe) || !isSafe(n)) {
    throw invalid('its position is malformed')
  }

  return { keys: k, now: n }
}
