import { encode as nodemailerEncode, wrap as nodemailerWrap } from 'nodemailer/lib/qp'
import { describe, expect, it } from 'vitest'

import { encodeQuotedPrintable } from './quoted-printable.js'

/** RFC 2045 decoding: soft line breaks joined, =XX escapes turned back into bytes. */
function decode(encoded: string): string {
  const joined = encoded.replace(/=\r\n/g, '')
  const bytes: number[] = []
  for (let i = 0; i < joined.length; i += 1) {
    const char = joined[i] as string
    if (char === '=') {
      bytes.push(Number.parseInt(joined.slice(i + 1, i + 3), 16))
      i += 2
    } else {
      bytes.push(...Buffer.from(char, 'latin1'))
    }
  }

  return Buffer.from(bytes).toString('utf8')
}

const SAMPLES = [
  'plain ASCII',
  'a=b and ==c= at the end=',
  'trailing space \nand tab\t\nnone',
  `${'x'.repeat(74)}=${'y'.repeat(80)}`,
  `${'é'.repeat(40)} — 数据库 🚨 ${'z'.repeat(200)}`,
  'control \u0001\u001f\u007f and a lone CR\rand CRLF\r\nend',
  '<a href="https://alims.example.com/incidents?q=a%20b">link</a>',
  '',
  '.\n..\nFrom the start',
]

describe('encodeQuotedPrintable', () => {
  it.each(SAMPLES)('round-trips %j with lines of at most 76 printable characters', (text) => {
    const encoded = encodeQuotedPrintable(text)

    expect(decode(encoded)).toBe(text.replace(/\r\n?/g, '\n').replace(/\n/g, '\r\n'))
    for (const line of encoded.split('\r\n')) {
      expect(line.length).toBeLessThanOrEqual(76)
      expect(line).toMatch(/^[\t\x20-\x7e]*$/)
      expect(line).not.toMatch(/[ \t]$/)
    }
  })

  it('decodes to what nodemailer’s own encoder gives', () => {
    for (const text of SAMPLES) {
      const lines = text.replace(/\r\n?/g, '\n')
      expect(decode(encodeQuotedPrintable(lines))).toBe(
        decode(nodemailerWrap(nodemailerEncode(lines.replace(/\n/g, '\r\n')), 76)),
      )
    }
  })

  it('never cuts an escape in two', () => {
    const encoded = encodeQuotedPrintable('é'.repeat(100))

    for (const line of encoded.split('\r\n')) expect(line).toMatch(/^(=[0-9A-F]{2})*=?$/)
  })
})
