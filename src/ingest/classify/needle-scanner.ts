const LOWER = new Uint8Array(256)
for (let byte = 0; byte < 256; byte++) {
  LOWER[byte] = byte >= 65 && byte <= 90 ? byte + 32 : byte < 128 ? byte : 0
}

/**
 * Finds many lower-case ASCII needles in one pass over bytes, in any case (Aho–Corasick over
 * the bytes folded to lower case, the folding built into the table): each step is one table
 * lookup. States where a needle ends are numbered last, so one comparison tells whether a step
 * found something. Bytes above 0x7f match nothing.
 */
export class NeedleScanner {
  /**
   * Next state for (state << 8 | byte): one byte per entry while there are at most 256 states
   * (the built-in rules need about 170), which halves the table the scan keeps in cache.
   */
  readonly next: Uint8Array | Uint16Array
  /** Kinds of the needles that end in each state (including shorter ones by suffix). */
  readonly kinds: Uint8Array
  /** The first state in which a needle ends. */
  readonly found: number

  constructor(needles: ReadonlyMap<string, number>) {
    const children: Map<number, number>[] = [new Map<number, number>()]
    const kinds: number[] = [0]
    for (const [needle, kind] of needles) {
      let state = 0
      for (const char of needle) {
        const code = char.charCodeAt(0)
        const edges = children[state] ?? new Map<number, number>()
        let child = edges.get(code)
        if (child === undefined) {
          child = children.length
          children.push(new Map())
          kinds.push(0)
          edges.set(code, child)
        }
        state = child
      }
      kinds[state] = (kinds[state] ?? 0) | kind
    }
    if (children.length > 0xffff) throw new Error('needle scanner: too many states')

    const next = new Uint16Array(children.length << 7)
    const fail = new Uint16Array(children.length)
    // Breadth first, so that a state's failure link is complete before its children's.
    const queue: number[] = []
    for (let code = 0; code < 128; code++) {
      const child = children[0]?.get(code)
      if (child !== undefined) {
        next[code] = child
        queue.push(child)
      }
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] ?? 0
      const link = fail[state] ?? 0
      kinds[state] = (kinds[state] ?? 0) | (kinds[link] ?? 0)
      for (let code = 0; code < 128; code++) {
        const child = children[state]?.get(code)
        const fallback = next[(link << 7) | code] ?? 0
        if (child === undefined) {
          next[(state << 7) | code] = fallback
        } else {
          next[(state << 7) | code] = child
          fail[child] = fallback
          queue.push(child)
        }
      }
    }
    // Renumbered: the root stays 0, states without a needle come next, then the others.
    const order = kinds.map((_, state) => state)
    order.sort((a, b) => Number((kinds[a] ?? 0) !== 0) - Number((kinds[b] ?? 0) !== 0) || a - b)
    const renamed = new Uint16Array(order.length)
    for (const [index, state] of order.entries()) renamed[state] = index
    // Indexed by the raw byte: the scan needs no folding step of its own.
    const table =
      order.length <= 256 ? new Uint8Array(order.length << 8) : new Uint16Array(order.length << 8)
    this.kinds = new Uint8Array(order.length)
    for (const [index, state] of order.entries()) {
      this.kinds[index] = kinds[state] ?? 0
      for (let byte = 0; byte < 256; byte++) {
        const code = LOWER[byte] ?? 0
        table[(index << 8) | byte] = renamed[next[(state << 7) | code] ?? 0] ?? 0
      }
    }
    this.next = table
    this.found = order.findIndex((state) => (kinds[state] ?? 0) !== 0)
  }
}
