import { sql, type RawBuilder, type SqlBool } from 'kysely'

import { likePattern, type DialectName } from '../../db/dialect.js'

/** Most trigrams used to narrow a text term through the SQLite index; the LIKE check is exact. */
const MAX_TRIGRAMS = 12

/**
 * Lower-cases ASCII letters only. Both dialects fold the indexed text the same way (SQLite's
 * lower() and PostgreSQL's translate()), so matching never depends on a database locale.
 */
export function foldAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase())
}

/** Distinct 3-character pieces of `text` (by code point), spread over its length. */
export function trigrams(text: string): string[] {
  const chars = Array.from(text)
  const all: string[] = []
  const seen = new Set<string>()
  for (let i = 0; i + 3 <= chars.length; i += 1) {
    const gram = chars.slice(i, i + 3).join('')
    if (!seen.has(gram)) {
      seen.add(gram)
      all.push(gram)
    }
  }
  if (all.length <= MAX_TRIGRAMS) return all

  const step = (all.length - 1) / (MAX_TRIGRAMS - 1)

  return Array.from({ length: MAX_TRIGRAMS }, (_, i) => all[Math.round(i * step)] as string)
}

/** An FTS5 query that requires every trigram: each one a quoted string, quotes doubled. */
function ftsQuery(grams: readonly string[]): string {
  return grams.map((g) => `"${g.replace(/"/g, '""')}"`).join(' AND ')
}

/**
 * How a text term is evaluated: `row` checks each candidate row by id (cheap when the rows come
 * from a short prefix of the sort order); `index` lets the full-text index find the candidates.
 */
export type TextMode = 'row' | 'index'

function rowCheck(dialect: DialectName, pattern: string): RawBuilder<SqlBool> {
  return dialect === 'sqlite'
    ? sql<SqlBool>`exists (select 1 from incident_fts
        where incident_fts.rowid = incidents.id and incident_fts.doc like ${pattern} escape '\\')`
    : sql<SqlBool>`exists (select 1 from incident_search s
        where s.incident_id = incidents.id and s.doc like ${pattern} escape '\\')`
}

/**
 * True for incidents whose indexed text (title, message, template, samples) contains `needle`
 * as a substring, ASCII case-insensitively. The needle is always a bound parameter; the index
 * only narrows the candidates and `LIKE` decides.
 */
export function textMatch(
  dialect: DialectName,
  needle: string,
  mode: TextMode,
): RawBuilder<SqlBool> {
  const folded = foldAscii(needle)
  const pattern = likePattern(folded)
  if (mode === 'row') return rowCheck(dialect, pattern)
  if (dialect === 'postgres') {
    return sql<SqlBool>`incidents.id in (select s.incident_id from incident_search s
      where s.doc like ${pattern} escape '\\')`
  }

  const grams = trigrams(folded)
  if (grams.length === 0) return rowCheck(dialect, pattern)

  return sql<SqlBool>`(incidents.id in (select incident_fts.rowid from incident_fts
    where incident_fts match ${ftsQuery(grams)}) and ${rowCheck(dialect, pattern)})`
}

/**
 * SQLite: how many incidents the FTS5 index offers as candidates for `needle`, counted up to
 * `cap` (the count stops there, so a common term costs no more than a rare one). Null when the
 * index cannot narrow the term (fewer than three characters): every row is a candidate.
 */
export function ftsCandidates(needle: string, cap: number): RawBuilder<number> | null {
  const grams = trigrams(foldAscii(needle))
  if (grams.length === 0) return null

  return sql<number>`(select count(*) from (select incident_fts.rowid from incident_fts
    where incident_fts match ${ftsQuery(grams)} limit ${cap}))`
}

/** Escapes a pattern whose only wildcard is `*`, for SQLite GLOB (case-sensitive). */
function globPattern(value: string): string {
  return value.replace(/[?[]/g, (c) => `[${c}]`)
}

/** Escapes a pattern whose only wildcard is `*`, for PostgreSQL LIKE (case-sensitive). */
function starLikePattern(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%')
}

/** Case-sensitive match of `column` against a pattern in which `*` means any characters. */
export function wildcardMatch(
  dialect: DialectName,
  column: RawBuilder<unknown>,
  value: string,
): RawBuilder<SqlBool> {
  return dialect === 'sqlite'
    ? sql<SqlBool>`${column} glob ${globPattern(value)}`
    : sql<SqlBool>`${column} like ${starLikePattern(value)} escape '\\'`
}

/** A JSON array of strings without escapes: safe to cast without the slower guarded function. */
const PLAIN_TAGS =
  '^\\s*\\[\\s*("[^"\\\\\\x01-\\x1f]*"\\s*(,\\s*"[^"\\\\\\x01-\\x1f]*"\\s*)*)?\\]\\s*$'

/** The incident's tags as a one-column set named `tag`, tolerant of malformed JSON. */
export function tagSet(dialect: DialectName): RawBuilder<unknown> {
  return dialect === 'sqlite'
    ? sql`(select j.value as tag from json_each(case when json_valid(incidents.tags)
        then case when json_type(incidents.tags) = 'array' then incidents.tags else '[]' end
        else '[]' end) j where j.type = 'text')`
    : sql`(select e #>> '{}' as tag from jsonb_array_elements(case when incidents.tags ~ ${PLAIN_TAGS}
        then incidents.tags::jsonb else alims_json_array(incidents.tags) end) e
        where jsonb_typeof(e) = 'string')`
}
