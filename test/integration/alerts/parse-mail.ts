/** A received message taken apart: headers in order, and the decoded text and HTML parts. */
export interface ParsedMail {
  headers: [string, string][]
  header(name: string): string[]
  text: string
  html: string
}

function splitHead(raw: string): { head: string; body: string } {
  const at = raw.indexOf('\r\n\r\n')

  return at === -1 ? { head: raw, body: '' } : { head: raw.slice(0, at), body: raw.slice(at + 4) }
}

/** Decodes RFC 2047 encoded words (UTF-8, Q or B), joining adjacent ones as the RFC says. */
export function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    )
}

function headerList(head: string): [string, string][] {
  const unfolded = head.replace(/\r\n[ \t]+/g, ' ')

  return unfolded
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => {
      const colon = line.indexOf(':')

      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as [string, string]
    })
}

function decodeQuotedPrintable(text: string): string {
  const soft = text.replace(/=\r?\n/g, '')
  const bytes: number[] = []
  for (let i = 0; i < soft.length; i += 1) {
    const c = soft[i] as string
    if (c === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16))
      i += 2
    } else {
      bytes.push(...Buffer.from(c, 'utf8'))
    }
  }

  return Buffer.from(bytes).toString('utf8').replace(/\r\n/g, '\n')
}

function decodePart(headers: [string, string][], body: string): string {
  const encoding = headers.find(([n]) => n === 'content-transfer-encoding')?.[1].toLowerCase()
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body)
  if (encoding === 'base64')
    return Buffer.from(body, 'base64').toString('utf8').replace(/\r\n/g, '\n')

  return body.replace(/\r\n/g, '\n')
}

/** Parses a multipart/alternative message as nodemailer writes it. */
export function parseMail(raw: string): ParsedMail {
  const { head, body } = splitHead(raw)
  const headers = headerList(head)
  const type = headers.find(([n]) => n === 'content-type')?.[1] ?? ''
  const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1]
  let text = ''
  let html = ''
  const parts = boundary === undefined ? [raw] : body.split(`--${boundary}`).slice(1, -1)
  for (const part of parts) {
    const piece = splitHead(part.replace(/^\r\n/, ''))
    const partHeaders = headerList(piece.head)
    const partType = partHeaders.find(([n]) => n === 'content-type')?.[1] ?? ''
    const content = decodePart(partHeaders, piece.body.replace(/\r\n$/, ''))
    if (partType.startsWith('text/plain')) text = content
    if (partType.startsWith('text/html')) html = content
  }

  return {
    headers,
    header: (name) =>
      headers.filter(([n]) => n === name.toLowerCase()).map(([, v]) => decodeWords(v)),
    text,
    html,
  }
}
