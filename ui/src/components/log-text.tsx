import { useId, useState } from 'react'

/** Characters shown before "Show all" on long text. */
const PREVIEW = 2000

/**
 * Untrusted log text as text: React escapes it, lines wrap, and anything longer than 2,000
 * characters is cut with a button that shows the rest.
 */
export function LogText({ text, label }: { text: string; label: string }) {
  const [expanded, setExpanded] = useState(false)
  const id = useId()
  const isLong = text.length > PREVIEW
  const shown = expanded || !isLong ? text : `${text.slice(0, PREVIEW)}…`

  return (
    <div className="log-text">
      <pre id={id} aria-label={label} tabIndex={0}>
        {shown}
      </pre>
      {isLong && (
        <button
          type="button"
          className="secondary small"
          aria-controls={id}
          aria-expanded={expanded}
          onClick={() => {
            setExpanded(!expanded)
          }}
        >
          {expanded ? 'Show less' : `Show all ${text.length.toLocaleString()} characters`}
        </button>
      )}
    </div>
  )
}

const VARIABLE = /(<(?:\*|[A-Z][A-Z0-9_]*)>)/

/** A template with its variable parts (`<NUM>`, `<IP>`, `<*>`…) marked; text stays text. */
export function TemplateText({ template }: { template: string }) {
  const parts = template.split(VARIABLE)

  return (
    <pre className="template" aria-label="Template">
      {parts.map((part, index) =>
        index % 2 === 1 ? (
          <mark key={index} className="variable" title="variable part">
            {part}
          </mark>
        ) : (
          part
        ),
      )}
    </pre>
  )
}
