/** Longest text masked, in characters: the rest of a longer message does not shape its template. */
export const MAX_TEMPLATE_INPUT = 2048

const HTTP_METHODS = 'GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|CONNECT|TRACE'
const TLDS = 'com|net|org|io|local|internal|lan|corp|cloud|svc|dev|app|co|uk|de|fr|nl|eu|us|int'

// One pass over the text: at each position the first alternative that matches wins, so the
// specific shapes (a request line, a timestamp, an address) come before the generic ones.
const PARTS = [
  `((?:"(?:${HTTP_METHODS}) [^\\s"]+(?: HTTP/[\\d.]+)?"|\\b(?:${HTTP_METHODS}) /[^\\s"]*(?: HTTP/[\\d.]+)?)(?: [1-5]\\d\\d\\b)?)`, // 1 request line, status
  `("(?:[^"\\\\\\n]|\\\\.){0,1000}"|(?<![\\w])'[^'\\n]{0,200}'(?![\\w])|\`[^\`\\n]{0,200}\`)`, // 2 quoted
  `(\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?|\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2}(?: [+-]\\d{4})?|\\b[A-Z][a-z]{2} {1,2}\\d{1,2} \\d{2}:\\d{2}:\\d{2}|\\b\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d+)?)`, // 3 time
  `(\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b)`, // 4 uuid
  `(\\b[a-zA-Z][a-zA-Z0-9+.-]{1,15}://[^\\s"'<>]+)`, // 5 url
  `([\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+)`, // 6 e-mail
  `((?<![\\w.])\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d{1,5})?(?![\\w.]))`, // 7 IPv4
  `((?<![\\w:.])(?:[0-9a-fA-F]{1,4})?(?::[0-9a-fA-F]{0,4}){2,7}(?![\\w:]))`, // 8 IPv6
  `((?<![\\w.])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:${TLDS})(?::\\d{1,5})?(?![\\w.-]))`, // 9 host
  `(\\b0[xX][0-9a-fA-F]+\\b)`, // 10 hex
  `((?<![\\w.])\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|sec|secs|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)(?:\\d+(?:\\.\\d+)?(?:ms|us|ns|s|m|h))*(?![\\w]))`, // 11 duration
  `((?<![\\w.-])[A-Za-z_][\\w.-]{0,63}=(?:"(?:[^"\\\\\\n]|\\\\.){0,1000}"|'[^'\\n]{0,200}'|[^\\s,;)\\]}]+))`, // 12 key=value
  `((?<![\\w/.~])(?:~|\\.{1,2})?/[^\\s"'<>,;()\\[\\]]+)`, // 13 path
  `(\\d+(?:\\.\\d+)+)`, // 14 dotted number, version
  `((?<![\\w-])[\\w-]*\\d(?:[\\w.-]*\\w)?)`, // 15 a word with a digit, dashes and dots inside
]
const MASKABLE = new RegExp(PARTS.join('|'), 'g')
const DIGIT = /\d/
const ALL_DIGITS = /^\d+$/

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

function replace(match: string, ...groups: (string | undefined)[]): string {
  const index = groups.findIndex((group, i) => i < PARTS.length && group !== undefined)
  switch (index) {
    case 0:
      return maskRequest(match)
    case 1:
      return `${match[0] ?? ''}<*>${match[0] ?? ''}`
    case 2:
      return '<TS>'
    case 3:
      return '<UUID>'
    case 4:
      return maskUrl(match)
    case 5:
      return '<EMAIL>'
    case 6:
      return match.includes(':') ? '<IP>:<NUM>' : '<IP>'
    case 7:
      return DIGIT.test(match) || match.includes('::') ? '<IP>' : match
    case 8:
      return match.includes(':') ? '<HOST>:<NUM>' : '<HOST>'
    case 9:
      return '<HEX>'
    case 10:
      return '<DUR>'
    case 11:
      return maskKeyValue(match)
    case 12:
      return maskPath(match)
    case 13:
      return '<NUM>'
    default:
      return ALL_DIGITS.test(match) ? '<NUM>' : '<*>'
  }
}

/**
 * Masks the variable parts of a message: numbers, hex, UUIDs, IPs and ports, host names,
 * paths' variable segments, quoted values, durations, timestamps, e-mail addresses and the
 * values of key=value pairs. Whitespace runs become one space. Pure and deterministic.
 */
export function maskMessage(text: string): string {
  const input = text.length > MAX_TEMPLATE_INPUT ? text.slice(0, MAX_TEMPLATE_INPUT) : text

  return input.replace(MASKABLE, replace).replace(/\s+/g, ' ').trim()
}
