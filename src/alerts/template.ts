import { AppError } from '../errors/app-error.js'

/** The placeholders a subject or body template may use. */
export const PLACEHOLDERS = [
  'alert.name',
  'count',
  'query',
  'window.from',
  'window.to',
  'incidents',
  'link',
] as const
export type Placeholder = (typeof PLACEHOLDERS)[number]
export type TemplateValues = Record<Placeholder, string>

const PATTERN = /\{\{\s*([a-z.]+)\s*\}\}/gi

export const DEFAULT_SUBJECT = '[alims] {{alert.name}}: {{count}} new or recurring incidents'
export const DEFAULT_BODY = [
  'Alert "{{alert.name}}" found {{count}} new or recurring incidents',
  'between {{window.from}} and {{window.to}}.',
  '',
  '{{incidents}}',
  '',
  'Open them in alims: {{link}}',
].join('\n')

/** Rejects a template that names a placeholder we do not know, naming the field. */
export function checkTemplate(template: string, field: string): void {
  for (const match of template.matchAll(PATTERN)) {
    const name = (match[1] ?? '').toLowerCase()
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new AppError(
        'VALIDATION_FAILED',
        `${field} uses the unknown placeholder {{${match[1] ?? ''}}}; known: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(' ')}`,
        { status: 400, field },
      )
    }
  }
}

/**
 * Fills the placeholders of `template`. Each value passes through `encode` (identity for text,
 * HTML escaping for the HTML part) and the literal text between them through `literal`.
 */
export function renderTemplate(
  template: string,
  values: TemplateValues,
  encode: (value: string, name: Placeholder) => string = (v) => v,
  literal: (text: string) => string = (t) => t,
): string {
  let out = ''
  let last = 0
  for (const match of template.matchAll(PATTERN)) {
    const name = (match[1] ?? '').toLowerCase() as Placeholder
    out += literal(template.slice(last, match.index))
    out += (PLACEHOLDERS as readonly string[]).includes(name)
      ? encode(values[name], name)
      : literal(match[0])
    last = match.index + match[0].length
  }

  return out + literal(template.slice(last))
}
