/** Fields a query may name in `field:value`, including the time qualifiers. */
export const QUERY_FIELDS = [
  'severity',
  'status',
  'service',
  'source',
  'ticket',
  'fingerprint',
  'tag',
  'count',
  'id',
  'since',
  'from',
  'to',
] as const
export type QueryField = (typeof QUERY_FIELDS)[number]

/** Comparison operators a `field:` value may start with; `=` is the default. */
export type Comparison = '=' | '>' | '>=' | '<' | '<='

/** Free text or a quoted phrase: a case-insensitive substring of the incident's text. */
export interface TextNode {
  kind: 'text'
  value: string
  /** 0-based offset of the term in the query. */
  position: number
}

/**
 * `field:value`. An unquoted value may hold a comma-separated list and `*` wildcards;
 * a quoted value is taken literally (`quoted` true).
 */
export interface FieldNode {
  kind: 'field'
  field: QueryField
  op: Comparison
  value: string
  quoted: boolean
  position: number
  /** 0-based offset of the value, for messages about it. */
  valuePosition: number
}

export interface NotNode {
  kind: 'not'
  child: QueryNode
  position: number
}

export interface AndNode {
  kind: 'and'
  children: QueryNode[]
}

export interface OrNode {
  kind: 'or'
  children: QueryNode[]
}

/** A parsed query: the tree that the compiler turns into SQL. */
export type QueryNode = TextNode | FieldNode | NotNode | AndNode | OrNode
