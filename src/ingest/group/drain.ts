/** The wildcard a merged position becomes. */
export const WILDCARD = '<*>'

export interface DrainOptions {
  /** Leading tokens that must be equal for two templates to share a leaf; default 2. */
  depth?: number
  /** Share of equal positions needed to join a cluster, 0–1; default 0.5. */
  similarity?: number
  /** Children per tree node before new tokens go to the wildcard branch; default 100. */
  maxChildren?: number
  /** Clusters kept before the tree starts afresh; default 20,000. */
  maxClusters?: number
}

/** A group of templates that differ in a few positions, with those positions as `<*>`. */
export interface DrainCluster {
  /** 1-based, in order of creation within this Drain; not stable across processes. */
  readonly id: number
  tokens: string[]
  size: number
}

interface TreeNode {
  children: Map<string, TreeNode>
  clusters: DrainCluster[]
}

function newNode(): TreeNode {
  return { children: new Map(), clusters: [] }
}

// Masked and wildcard tokens, and tokens with digits, are values, not words: they take the wildcard branch.
function isVariable(token: string): boolean {
  return (token.startsWith('<') && token.endsWith('>')) || /\d/.test(token)
}

function similarity(cluster: readonly string[], tokens: readonly string[]): number {
  let same = 0
  for (let i = 0; i < tokens.length; i++) {
    if (cluster[i] === tokens[i] && cluster[i] !== WILDCARD) same++
  }

  return tokens.length === 0 ? 1 : same / tokens.length
}

/**
 * Online log-template clustering after Drain (He et al., ICWS 2017): templates are bucketed by
 * token count, routed down a fixed-depth tree on their first tokens, and joined to the most
 * similar cluster in the leaf when the share of equal positions reaches the threshold;
 * positions that differ become `<*>`. Order-dependent by nature, so it never decides
 * fingerprints (docs/decisions/002-fingerprints.md).
 */
export class Drain {
  readonly #depth: number
  readonly #similarity: number
  readonly #maxChildren: number
  readonly #maxClusters: number
  #root = new Map<number, TreeNode>()
  #count = 0

  constructor(options: DrainOptions = {}) {
    this.#depth = options.depth ?? 2
    this.#similarity = options.similarity ?? 0.5
    this.#maxChildren = options.maxChildren ?? 100
    this.#maxClusters = options.maxClusters ?? 20_000
  }

  /** Number of clusters learned so far. */
  get size(): number {
    return this.#count
  }

  /** Adds a masked template (space-separated tokens) and returns the cluster it joined. */
  add(template: string): DrainCluster {
    const tokens = template === '' ? [] : template.split(' ')
    const leaf = this.#leaf(tokens)
    let best: DrainCluster | null = null
    let bestScore = -1
    for (const cluster of leaf.clusters) {
      const score = similarity(cluster.tokens, tokens)
      if (score > bestScore) {
        best = cluster
        bestScore = score
      }
    }

    if (best !== null && bestScore >= this.#similarity) {
      for (let i = 0; i < tokens.length; i++) {
        if (best.tokens[i] !== tokens[i]) best.tokens[i] = WILDCARD
      }
      best.size++

      return best
    }

    if (this.#count >= this.#maxClusters) {
      this.#root = new Map()
      this.#count = 0

      return this.add(template)
    }

    const cluster: DrainCluster = { id: ++this.#count, tokens: [...tokens], size: 1 }
    leaf.clusters.push(cluster)

    return cluster
  }

  #leaf(tokens: readonly string[]): TreeNode {
    let node: TreeNode = this.#root.get(tokens.length) ?? newNode()
    this.#root.set(tokens.length, node)
    for (const token of tokens.slice(0, this.#depth)) {
      node = this.#child(node, isVariable(token) ? WILDCARD : token)
    }

    return node
  }

  #child(node: TreeNode, key: string): TreeNode {
    const existing = node.children.get(key)
    if (existing !== undefined) return existing

    // A full node sends new words down its wildcard branch instead of growing without bound.
    const slot = node.children.size >= this.#maxChildren ? WILDCARD : key
    const child = node.children.get(slot) ?? newNode()
    node.children.set(slot, child)

    return child
  }
}
