/** Longest encoded line, soft line break included (RFC 2045 §6.7). */
const LINE = 76

// Runs of everything but tab and the printable ASCII characters other than "=". A run holds both
// halves of a surrogate pair, so its UTF-8 bytes are right; no `u` flag, which V8 runs slower.
const UNSAFE = /[^\t\x20-\x3c\x3e-\x7e]+/g

function escapeBytes(chars: string): string {
  let out = ''
  for (const byte of Buffer.from(chars, 'utf8')) {
    out += `=${byte < 16 ? '0' : ''}${byte.toString(16).toUpperCase()}`
  }

  return out
}

/** Cuts an encoded line into lines of at most LINE characters, never inside an =XX escape. */
function wrap(line: string): string {
  if (line.length <= LINE) return line

  const parts: string[] = []
  let start = 0
  while (line.length - start > LINE) {
    let end = start + LINE - 1
    const escape = line.lastIndexOf('=', end - 1)
    if (escape >= end - 2) end = escape
    parts.push(`${line.slice(start, end)}=`)
    start = end
  }
  parts.push(line.slice(start))

  return parts.join('\r\n')
}

/**
 * Encodes UTF-8 text as quoted-printable (RFC 2045) with CRLF line ends. Most alert text is
 * ASCII, so whole runs of safe characters pass through one native replace; nodemailer's
 * byte-by-byte encoder cost more than all the database work of a run.
 */
export function encodeQuotedPrintable(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => {
      const escaped = line.replace(UNSAFE, escapeBytes)
      // Whitespace at the end of a line is dropped by some gateways: it is escaped.
      const last = escaped.at(-1)
      const kept =
        last === ' ' || last === '\t' ? `${escaped.slice(0, -1)}${escapeBytes(last)}` : escaped

      return wrap(kept)
    })
    .join('\r\n')
}
