import { AppError } from '../../errors/app-error.js'
import type { EventAssembler, SourceSettings } from '../line.js'

import { LineAssembler, type AssemblerOptions } from './assembler.js'
import { FORMATS, formatNamed } from './formats/index.js'
import { serviceFromPath } from './service-name.js'

export type { AssemblerOptions } from './assembler.js'
export type { LineFormat, ParsedLine } from './format.js'
export { FormatDetector } from './detect.js'
export { ParsedEvent } from './parsed-event.js'
export { FORMATS, formatNamed } from './formats/index.js'
export { levelOfValue, levelOfWord } from './level.js'
export { serviceFromPath } from './service-name.js'

/** Names of the formats a source may be forced to (`format:` in a source's settings). */
export const FORMAT_NAMES: readonly string[] = FORMATS.map((format) => format.name)

/**
 * Makes the assembler of one file: joins multi-line records and parses events (an
 * AssemblerFactory). Throws AppError PARSE_FORMAT_UNKNOWN when `source.format` names no format.
 */
export function createAssembler(
  source: SourceSettings,
  options: AssemblerOptions = {},
): EventAssembler {
  let forced = null
  if (source.format !== undefined && source.format !== '' && source.format !== 'auto') {
    forced = formatNamed(source.format) ?? null
    if (forced === null) {
      throw new AppError(
        'PARSE_FORMAT_UNKNOWN',
        `format of ${source.path} must be auto or one of ${FORMAT_NAMES.join(', ')}, got ${JSON.stringify(source.format)}`,
        { field: 'format' },
      )
    }
  }

  return new LineAssembler(source, source.service ?? serviceFromPath(source.path), forced, options)
}
