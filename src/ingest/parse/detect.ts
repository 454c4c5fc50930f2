import type { Level } from '../event.js'

import type { LineFormat } from './format.js'
import { candidatesFor, plainFormat } from './formats/index.js'

/**
 * Finds the format and level of each line of one file: the formats that fit the line's first
 * character are tried, the previous line's format first (files mostly keep to one), then the
 * plain-text fallback. A forced format replaces detection; lines it cannot
 * read fall back to plain text. Results are left in `format` and `level` (no allocation).
 * The order must only save time: lines the line gate passes over are never detected, so a line
 * that two formats accept could be read differently with the gate than without; formats are
 * kept from overlapping (the gate's property test compares both readings).
 */
export class FormatDetector {
  format: LineFormat = plainFormat
  level: Level = 'info'
  readonly #forced: LineFormat | null
  #last: LineFormat | null = null

  constructor(forced: LineFormat | null = null) {
    this.#forced = forced
  }

  /** Detects `text`'s format and level; returns the format. */
  detect(text: string): LineFormat {
    const forced = this.#forced
    if (forced !== null) return this.#try(forced, text) ?? this.#plain(text)

    // Formats are told apart by the first character first; among those that fit it, the
    // format of the previous line is tried first.
    const candidates = candidatesFor(text.charCodeAt(0))
    const last = this.#last
    if (last !== null && candidates.includes(last)) {
      const level = last.scan(text)
      if (level !== undefined) return this.#set(last, level)
    }

    for (const format of candidates) {
      if (format === last) continue
      const level = format.scan(text)
      if (level !== undefined) {
        this.#last = format

        return this.#set(format, level)
      }
    }

    return this.#plain(text)
  }

  #try(format: LineFormat, text: string): LineFormat | null {
    const level = format.scan(text)

    return level === undefined ? null : this.#set(format, level)
  }

  #plain(text: string): LineFormat {
    return this.#set(plainFormat, plainFormat.scan(text) ?? 'info')
  }

  #set(format: LineFormat, level: Level): LineFormat {
    this.format = format
    this.level = level

    return format
  }
}
