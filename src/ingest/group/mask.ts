/**
 * Longest text masked and longest template, in characters: the rest of a longer message does
 * not shape its template.
 */
export const MAX_TEMPLATE_INPUT = 2048

const HTTP_METHODS = 'GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|CONNECT|TRACE'
// Characters RFC 5322 allows in the local part of an address.
const LOCAL = "[\\w.!#$%&'*+/=?^`{|}~-]"
const TLDS = 'com|net|org|io|local|internal|lan|corp|cloud|svc|dev|app|co|uk|de|fr|nl|eu|us|int'

type Kind =
  | 'request'
  | 'quoted'
  | 'time'
  | 'uuid'
  | 'url'
  | 'email'
  | 'ipv4'
  | 'ipv6'
  | 'host'
  | 'hex'
  | 'duration'
  | 'pair'
  | 'path'
  | 'dotted'
  | 'word'

// What an alternative cannot match without: a character or sequence, two colons anywhere
// (`::`), a digit or a quote character.
type Need = '@' | '-' | '://' | '.' | '::' | '=' | '/' | 'digit' | 'quote'

// One pass over the text: at each position the first alternative that matches wins, so the
// specific shapes (a request line, a timestamp, an address) come before the generic ones.
// Texts without what an alternative `needs` get a regex without that alternative: it could
// not match there, so the result is the same, and the pass is cheaper.
const PARTS: readonly { kind: Kind; needs?: readonly Need[]; source: string }[] = [
  {
    kind: 'request',
    source: String.raw`(?:"(?:${HTTP_METHODS}) [^\s"]+(?: HTTP/[\d.]+)?"|\b(?:${HTTP_METHODS}) /[^\s"]*(?: HTTP/[\d.]+)?)(?: [1-5]\d\d\b)?`,
  },
  { kind: 'email', needs: ['@'], source: `(?<!${LOCAL})${LOCAL}+@[\\w-]+(?:\\.[\\w-]+)+` },
  {
    kind: 'quoted',
    needs: ['quote'],
    source:
      String.raw`"(?:[^"\\\n]|\\.){0,1000}"|(?<!\w)'[^'\n]{0,200}'(?!\w)|` + '`[^`\\n]{0,200}`',
  },
  {
    kind: 'time',
    needs: ['digit'],
    source: String.raw`\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?|\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2}(?: [+-]\d{4})?|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}\d{1,2} \d{2}:\d{2}:\d{2}|\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?`,
  },
  {
    kind: 'uuid',
    needs: ['-'],
    source: String.raw`\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b`,
  },
  { kind: 'url', needs: ['://'], source: String.raw`\b[a-zA-Z][a-zA-Z0-9+.-]{1,15}://[^\s"'<>]+` },
  {
    kind: 'ipv4',
    needs: ['.', 'digit'],
    source: String.raw`(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![\w.])`,
  },
  {
    kind: 'ipv6',
    needs: ['::'],
    source: String.raw`(?<![\w:.])(?:[0-9a-fA-F]{1,4})?(?::[0-9a-fA-F]{0,4}){2,7}(?![\w:])`,
  },
  {
    kind: 'host',
    needs: ['.'],
    source: String.raw`(?<![\w.-])[a-z0-9][a-z0-9.-]{0,252}\.(?:${TLDS})(?::\d{1,5})?(?![\w.-])`,
  },
  { kind: 'hex', needs: ['digit'], source: String.raw`\b0[xX][0-9a-fA-F]+\b` },
  {
    kind: 'duration',
    needs: ['digit'],
    source: String.raw`(?<![\w.])\d+(?:\.\d+)?(?:ns|us|µs|ms|s|sec|secs|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)(?:\d+(?:\.\d+)?(?:ms|us|ns|s|m|h))*(?!\w)`,
  },
  {
    kind: 'pair',
    needs: ['='],
    source: String.raw`(?<![\w.-])[A-Za-z_][\w.-]{0,63}=(?:"(?:[^"\\\n]|\\.){0,1000}"|'[^'\n]{0,200}'|[^\s,;)\]}]+)`,
  },
  { kind: 'path', needs: ['/'], source: String.raw`(?<![\w/.~])(?:~|\.{1,2})?/[^\s"'<>,;()[\]]+` },
  { kind: 'dotted', needs: ['.', 'digit'], source: String.raw`\d+(?:\.\d+)+` },
  // The part before the first digit holds no digit, so this never backtracks over a word.
  { kind: 'word', needs: ['digit'], source: String.raw`(?<![\w-])[A-Za-z_-]*\d(?:[\w.-]*\w)?` },
]

const NEEDS = [...new Set(PARTS.flatMap((part) => part.needs ?? []))]
const bit = (need: Need): number => 1 << NEEDS.indexOf(need)
const URL_BIT = bit('://')
const IPV6_BIT = bit('::')

// The bit of each ASCII character that alone meets a need; colons are counted apart.
const CHAR_BITS = new Uint16Array(128)
for (const char of ['@', '-', '.', '=', '/'] as const) CHAR_BITS[char.charCodeAt(0)] = bit(char)
for (let code = 0x30; code <= 0x39; code++) CHAR_BITS[code] = bit('digit')
for (const char of '"\'`') CHAR_BITS[char.charCodeAt(0)] = bit('quote')
const COLON = 0x3a
const SLASH = 0x2f

interface Variant {
  regex: RegExp
  /** Kind of each capturing group, in order. */
  kinds: readonly Kind[]
}

const variants: (Variant | undefined)[] = []

// The needs a text meets, as a bit mask over NEEDS: one pass over its characters.
function needsOf(text: string): number {
  let mask = 0
  let colons = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 128) continue

    mask |= CHAR_BITS[code] ?? 0
    if (code === COLON) {
      colons++
      if (text.charCodeAt(i + 1) === SLASH && text.charCodeAt(i + 2) === SLASH) mask |= URL_BIT
    }
  }

  return colons > 1 ? mask | IPV6_BIT : mask
}

function variantFor(text: string): Variant {
  const mask = needsOf(text)
  const cached = variants[mask]
  if (cached !== undefined) return cached

  const parts = PARTS.filter((part) => (part.needs ?? []).every((need) => (mask & bit(need)) !== 0))
  // Every shape starts where no word character precedes it: one cheap check skips the
  // middle of words instead of trying each alternative there.
  const alternatives = parts.map((part) => `(${part.source})`).join('|')
  const variant = {
    regex: new RegExp(`(?<!\\w)(?:${alternatives})`, 'g'),
    kinds: parts.map((part) => part.kind),
  }
  variants[mask] = variant

  return variant
}

const DIGIT = /\d/
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f]/
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_ALL = /[\u0000-\u0008\u000e-\u001f\u007f]/g
const SPACING = /\s\s|[\t\n\r\f\v]|^\s|\s$/
const ALL_DIGITS = /^\d+$/
const SPACE = 0x20

// True when the text is printable ASCII with single spaces between words: then it has no control
// character and no spacing to collapse, and one loop saves running the two regexes over it.
function isPlain(text: string): boolean {
  const last = text.length - 1
  for (let i = 0; i <= last; i++) {
    const code = text.charCodeAt(i)
    if (code > SPACE && code < 0x7f) continue
    if (code !== SPACE || i === 0 || i === last || text.charCodeAt(i + 1) === SPACE) return false
  }

  return true
}
const GLUE = ':/#.@'

// Any segment with a digit is an identifier, whether or not it happens to be all digits.
function maskSegment(segment: string): string {
  return DIGIT.test(segment) ? '<*>' : segment
}

function maskQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')

      return eq === -1 ? maskSegment(pair) : `${pair.slice(0, eq)}=<*>`
    })
    .join('&')
}

// File-system paths are values as a whole: the same failure on another file is the same problem.
const FILE_PATH =
  /^(?:~|\.{1,2})?\/(?:var|etc|home|tmp|usr|opt|srv|data|mnt|proc|dev|run|root|lib|bin|sys|Users|private)(?:\/|$)|\.[A-Za-z]\w{0,4}$/

/** Masks a route's variable segments: `/orders/42/items?id=7` → `/orders/<*>/items?id=<*>`. */
export function maskRoute(path: string): string {
  const q = path.indexOf('?')
  const route = q === -1 ? path : path.slice(0, q)
  const masked = route.split('/').map(maskSegment).join('/')

  return q === -1 ? masked : `${masked}?${maskQuery(path.slice(q + 1))}`
}

/** Masks a path: a file-system path becomes `<PATH>`, a route keeps its constant segments. */
export function maskPath(path: string): string {
  const trail = /[.:]+$/.exec(path)?.[0] ?? ''
  const body = trail === '' ? path : path.slice(0, -trail.length)

  return (FILE_PATH.test(body) ? '<PATH>' : maskRoute(body)) + trail
}

function maskUrl(url: string): string {
  const scheme = url.indexOf('://')
  const rest = url.slice(scheme + 3)
  const slash = rest.search(/[/?]/)
  const path = slash === -1 ? '' : maskRoute(rest.slice(slash))

  return `${url.slice(0, scheme)}://<HOST>${path}`
}

// Keeps the method, the route shape and the status of a request: they say what failed.
function maskRequest(request: string): string {
  const quoted = request.startsWith('"')
  const close = quoted ? request.indexOf('"', 1) : -1
  const line = quoted ? request.slice(1, close) : request
  const [method = '', target = '', third, fourth] = line.split(' ')
  const version = third?.startsWith('HTTP/') === true ? ` ${third}` : ''
  const status = quoted ? request.slice(close + 1) : version === '' ? third : fourth
  const masked = `${method} ${maskRoute(target)}${version}`
  const tail = quoted ? status : status === undefined ? '' : ` ${status}`

  return quoted ? `"${masked}"${tail}` : `${masked}${tail}`
}

function maskKeyValue(pair: string): string {
  const eq = pair.indexOf('=')

  return `${pair.slice(0, eq)}=<*>`
}

function maskOne(kind: Kind, match: string, before: string): string {
  switch (kind) {
    case 'request':
      return maskRequest(match)
    case 'quoted':
      return `${match[0] ?? ''}<*>${match[0] ?? ''}`
    case 'time':
      return '<TS>'
    case 'uuid':
      return '<UUID>'
    case 'url':
      return maskUrl(match)
    case 'email':
      return '<EMAIL>'
    case 'ipv4':
      return match.includes(':') ? '<IP>:<NUM>' : '<IP>'
    case 'ipv6':
      return DIGIT.test(match) || match.includes('::') ? '<IP>' : match
    case 'host':
      return match.includes(':') ? '<HOST>:<NUM>' : '<HOST>'
    case 'hex':
      return '<HEX>'
    case 'duration':
      return '<DUR>'
    case 'pair':
      return maskKeyValue(match)
    case 'path':
      return maskPath(match)
    case 'dotted':
      return '<NUM>'
    case 'word':
      // Digits glued to a key (`session:0042`, `#17`) are an id like any other: some ids
      // happen to be all digits, and they must not get a template of their own.
      return ALL_DIGITS.test(match) && (before === '' || !GLUE.includes(before)) ? '<NUM>' : '<*>'
  }
}

/**
 * Masks the variable parts of a message: numbers, hex, UUIDs, IPs and ports, host names,
 * paths' variable segments, quoted values, durations, timestamps, e-mail addresses and the
 * values of key=value pairs. Whitespace runs become one space. Pure and deterministic.
 */
export function maskMessage(text: string): string {
  const input = text.length > MAX_TEMPLATE_INPUT ? text.slice(0, MAX_TEMPLATE_INPUT) : text
  const { regex, kinds } = variantFor(input)
  let out = ''
  let last = 0
  regex.lastIndex = 0
  for (let match = regex.exec(input); match !== null; match = regex.exec(input)) {
    let group = 1
    while (match[group] === undefined && group < kinds.length) group++
    out +=
      input.slice(last, match.index) +
      maskOne(kinds[group - 1] ?? 'word', match[0], input.charAt(match.index - 1))
    last = match.index + match[0].length
  }
  out += input.slice(last)
  if (!isPlain(out)) {
    // Control characters (NUL above all, which PostgreSQL text refuses) become U+FFFD.
    if (CONTROL.test(out)) out = out.replace(CONTROL_ALL, '\uFFFD')
    if (SPACING.test(out)) out = out.replace(/\s+/g, ' ').trim()
  }

  return out.length > MAX_TEMPLATE_INPUT ? out.slice(0, MAX_TEMPLATE_INPUT) : out
}
