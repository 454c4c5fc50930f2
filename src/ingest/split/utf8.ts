import { isUtf8 } from 'node:buffer'

// Node's Buffer has a latin1 slice without the argument checks of toString(); for bytes below
// 0x80 it yields the same text as UTF-8 and is the fastest way to turn ASCII into a string.
type FastBuffer = Buffer & {
  latin1Slice(start: number, end: number): string
  utf8Slice(start: number, end: number): string
}

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

/** Decodes bytes known to be valid UTF-8. */
export function utf8Slice(buffer: Buffer, start: number, end: number): string {
  return (buffer as FastBuffer).utf8Slice(start, end)
}

/** Decodes bytes known to be ASCII. */
export function asciiText(buffer: Buffer, start: number, end: number): string {
  return (buffer as FastBuffer).latin1Slice(start, end)
}

/**
 * Decodes UTF-8, each invalid or binary byte sequence becoming U+FFFD (WHATWG rules, one
 * replacement per maximal invalid subpart). `invalid` says whether a replacement happened.
 */
export function utf8Text(bytes: Buffer): { text: string; invalid: boolean } {
  if (isUtf8(bytes)) return { text: bytes.toString('utf8'), invalid: false }

  return { text: decoder.decode(bytes), invalid: true }
}

/**
 * Length of an incomplete UTF-8 sequence at the end of `bytes[0, end)` (0-3): the bytes a
 * later read may complete, which must not be decoded on their own.
 */
export function incompleteTail(bytes: Buffer, end: number): number {
  const limit = Math.max(0, end - 3)
  for (let i = end - 1; i >= limit; i--) {
    const byte = bytes[i] ?? 0
    if (byte < 0x80) return 0
    if (byte >= 0xc0) {
      const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2

      return end - i < need ? end - i : 0
    }
  }

  return 0
}

/** Largest cut ≤ `max` that does not split a UTF-8 sequence of `bytes` (for truncation). */
export function charBoundary(bytes: Buffer, max: number): number {
  let cut = Math.min(max, bytes.length)
  let steps = 0
  while (cut > 0 && cut < bytes.length && ((bytes[cut] ?? 0) & 0xc0) === 0x80 && steps < 3) {
    cut -= 1
    steps += 1
  }

  return cut
}

/** Copy of `bytes[start, end)` without NUL bytes, and how many were removed. */
export function withoutNul(bytes: Buffer, start: number, end: number): [Buffer, number] {
  const slice = bytes.subarray(start, end)
  if (slice.indexOf(0) === -1) return [slice, 0]

  const out = Buffer.allocUnsafe(end - start)
  let length = 0
  for (let i = start; i < end; i++) {
    const byte = bytes[i] ?? 0
    if (byte !== 0) out[length++] = byte
  }

  return [out.subarray(0, length), end - start - length]
}
