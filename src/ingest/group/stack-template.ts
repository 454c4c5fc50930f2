import { maskMessage } from './mask.js'
import { stripPrefix } from './strip-prefix.js'

/** Application frames kept in a stack-trace template. */
export const STACK_FRAMES = 3

const JAVA_FRAME = /^\s+at ((?:[\w$.-]+\/)*)([\w$.<>]+)\(([^)]*)\)/
const NODE_FRAME = /^\s+at (?:(?:async )?(.+?) \()?([^()\s]+?):\d+:\d+\)?\s*$/
const PYTHON_FRAME = /^\s+File "([^"]+)", line \d+, in (\S+)/
const EXCEPTION =
  /(?<![\w$.])((?:[A-Za-z_$][\w$]*\.)*(?:[A-Z][\w$]*)?(?:Exception|Error|Exit|Interrupt|Throwable|Failure|Fault|Panic))(?=:|\s|$)/
// The words an exception type ends with: a line without one has no type, and this plain search
// is much cheaper than trying EXCEPTION at each word.
const EXCEPTION_WORD = /Exception|Error|Exit|Interrupt|Throwable|Failure|Fault|Panic/
// Every frame line starts with whitespace.
const INDENTED = /^\s/

// Go prints a frame on two lines: the function with its arguments, then a tab, file and line.
const GO_FUNC = /^((?:[\w.-]+\/)*[\w-]+(?:\.[\w-]+)*\.(?:\(\*?\w+\)\.)?[\w$]+(?:\.func\d+)*)\(.*\)$/
const GO_FILE = /^\t\S+\.go:\d+/

const JAVA_LIBRARY =
  /^(?:java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala|jakarta|org\.springframework|org\.apache|org\.hibernate|org\.eclipse|io\.netty|io\.undertow|reactor|akka|com\.google|com\.fasterxml|System|Microsoft)\./
const NODE_LIBRARY = /^node:|^internal\/|[\\/]node_modules[\\/]/
const PYTHON_LIBRARY = /[\\/](?:site-packages|dist-packages)[\\/]|[\\/]lib[\\/]python\d|^<frozen /

interface Frame {
  name: string
  isLibrary: boolean
}

function basename(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'))

  return cut === -1 ? path : path.slice(cut + 1)
}

// Digits in frame names are generated (lambda$0, $Proxy12, $$Lambda$41/0x0000000800123): mask them.
function stable(name: string): string {
  return name.replace(/0x[0-9a-fA-F]+|\d+/g, '<NUM>')
}

function frameOf(line: string): Frame | null {
  if (!INDENTED.test(line)) return null

  const java = JAVA_FRAME.exec(line)
  if (java !== null) {
    const name = java[2] ?? ''

    return { name: stable(name), isLibrary: JAVA_LIBRARY.test(name) }
  }

  const python = PYTHON_FRAME.exec(line)
  if (python !== null) {
    const file = python[1] ?? ''

    return { name: `${basename(file)}:${python[2] ?? ''}`, isLibrary: PYTHON_LIBRARY.test(file) }
  }

  const node = NODE_FRAME.exec(line)
  if (node !== null) {
    const file = node[2] ?? ''
    const fn = node[1] === undefined ? '' : `${node[1]}@`

    return { name: stable(`${fn}${basename(file)}`), isLibrary: NODE_LIBRARY.test(file) }
  }

  return null
}

// Go's standard library has no dot in its first path element (runtime, net/http); main and
// modules (github.com/…) are the application's.
function goFrame(name: string): Frame {
  const first = name.split('/')[0] ?? ''
  const element = name.includes('/') ? first : (first.split('.')[0] ?? '')

  return { name: stable(name), isLibrary: element !== 'main' && !element.includes('.') }
}

function pick(frames: readonly Frame[]): string[] {
  const own = frames.filter((frame) => !frame.isLibrary)

  return (own.length > 0 ? own : frames).slice(0, STACK_FRAMES).map((frame) => frame.name)
}

function exceptionOf(line: string): string | undefined {
  return EXCEPTION_WORD.test(line) ? EXCEPTION.exec(line)?.[1] : undefined
}

/** What a scan of a trace's lines found. */
interface TraceScan {
  frames: readonly Frame[]
  /** The frames a template shows, joined; null when the trace has no frames. */
  chosen: string | null
  types: readonly string[]
  firstText: string | null
  isPython: boolean
}

function scan(lines: readonly string[]): TraceScan {
  const frames: Frame[] = []
  const types: string[] = []
  let isPython = false
  let firstText: string | null = null
  let inCause = false
  let previous = ''
  for (const line of lines) {
    const goFunction = GO_FILE.test(line) ? GO_FUNC.exec(previous)?.[1] : undefined
    previous = line
    const frame = goFunction === undefined ? frameOf(line) : goFrame(goFunction)
    if (frame !== null) {
      // Java and Node list the innermost frame first and causes after; keep the first block.
      if (!inCause || isPython) frames.push(frame)
      continue
    }

    if (line.startsWith('Traceback (most recent call last)')) isPython = true
    if (INDENTED.test(line) || line.trim() === '') continue

    firstText ??= line
    if (line.startsWith('Caused by:') && !isPython) inCause = frames.length > 0
    const type = exceptionOf(line)
    if (type !== undefined && types.at(-1) !== type) types.push(type)
  }
  // Python prints the innermost frame last and the exception after the frames.
  const chosen =
    frames.length === 0 ? null : pick(isPython ? [...frames].reverse() : frames).join(' < ')

  return { frames, chosen, types, firstText, isPython }
}

function templateFrom(found: TraceScan): string | null {
  const { chosen, types, firstText } = found
  if (chosen === null) return null

  const head =
    types.length > 0 ? types.join(' caused by ') : maskMessage(stripPrefix(firstText ?? ''))

  return `${head} at ${chosen}`
}

/**
 * Scans of trace bodies (all lines after the first) by their text, so that a trace repeated
 * under ever different first lines (time, ids) is scanned once. Bounded: long bodies are not
 * kept, and the cache starts afresh when full.
 */
export class StackScanCache {
  readonly #scans = new Map<string, TraceScan>()
  readonly #size: number
  readonly #maxBody: number

  constructor(size = 1_000, maxBody = 8_192) {
    this.#size = size
    this.#maxBody = maxBody
  }

  scanBody(body: string): TraceScan {
    let found = this.#scans.get(body)
    if (found !== undefined) return found

    found = scan(body.split('\n'))
    if (body.length <= this.#maxBody) {
      if (this.#scans.size >= this.#size) this.#scans.clear()
      this.#scans.set(body, found)
    }

    return found
  }
}

/**
 * A scan of a whole trace from the scan of its first line and of its body, or null when the
 * first line would change how the body is read: a frame, Python's `Traceback` header, or a Go
 * function (its file follows on the next line). Else the first line can only add the first
 * text and an exception type in front of the body's.
 */
function joinScans(head: string, body: TraceScan): TraceScan | null {
  // GO_FUNC ends with `)` at the end of the line.
  if (frameOf(head) !== null || (head.endsWith(')') && GO_FUNC.test(head))) return null
  if (head.startsWith('Traceback (most recent call last)')) return null
  if (INDENTED.test(head) || head.trim() === '') return body

  const type = exceptionOf(head)
  const types =
    type === undefined
      ? body.types
      : [type, ...(body.types[0] === type ? body.types.slice(1) : body.types)]

  return { ...body, types, firstText: head }
}

/**
 * The template of a multi-line stack trace (Java and .NET, Node.js, Python, Go): the exception types,
 * outermost first with their causes, and the top application frames without line numbers,
 * skipping library frames when the trace has frames of its own. Null when `raw` holds no frames.
 * `cache` only saves work: the template is the same with or without it.
 */
export function stackTemplate(raw: string, cache?: StackScanCache): string | null {
  const newline = raw.indexOf('\n')
  if (newline === -1) return null

  if (cache !== undefined) {
    const head = raw.slice(0, newline)
    const joined = joinScans(head, cache.scanBody(raw.slice(newline + 1)))
    if (joined !== null) return templateFrom(joined)
  }

  return templateFrom(scan(raw.split('\n')))
}
