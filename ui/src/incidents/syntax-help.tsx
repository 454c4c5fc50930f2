import { useEffect, useId, useRef, useState } from 'react'

const EXAMPLES: [string, string][] = [
  ['timeout', 'text anywhere in title, message, template or samples'],
  ['"connection refused"', 'an exact phrase'],
  ['severity:HIGH', 'HIGH, MEDIUM or LOW; also severity:>=MEDIUM'],
  ['status:open,acknowledged', 'any of the listed statuses'],
  ['service:billing', 'the service; source:/var/log/* matches file paths'],
  ['count:>100', 'occurrence count comparisons: > >= < <= ='],
  ['since:24h', 'seen in the last 24 hours; from:-7d to:now-1h'],
  ['tag:db  ticket:none', 'a tag; tickets: none, pending, created, failed or a number'],
  ['a OR b', 'either; terms side by side must all match'],
  ['-status:resolved', 'excludes; parentheses group: -(a OR b)'],
]

/** A "Syntax help" button with a popover listing the search language; Escape closes it. */
export function SyntaxHelp({ onPick }: { onPick: (example: string) => void }) {
  const [isOpen, setOpen] = useState(false)
  const id = useId()
  const button = useRef<HTMLButtonElement | null>(null)
  const panel = useRef<HTMLDivElement | null>(null)

  useEffect(() => {
    if (isOpen) panel.current?.focus()
  }, [isOpen])

  const close = () => {
    setOpen(false)
    button.current?.focus()
  }

  return (
    <div className="popover-anchor">
      <button
        ref={button}
        type="button"
        className="secondary"
        aria-expanded={isOpen}
        aria-controls={id}
        onClick={() => {
          setOpen(!isOpen)
        }}
      >
        Syntax help
      </button>
      {isOpen && (
        <div
          id={id}
          ref={panel}
          className="popover"
          role="dialog"
          aria-label="Search syntax"
          tabIndex={-1}
          onKeyDown={(event) => {
            if (event.key === 'Escape') close()
          }}
        >
          <table className="syntax">
            <tbody>
              {EXAMPLES.map(([example, meaning]) => (
                <tr key={example}>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => {
                        onPick(example)
                        close()
                      }}
                    >
                      <code>{example}</code>
                    </button>
                  </td>
                  <td>{meaning}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">
            Free text ignores A–Z letter case. A mistake is reported with its position.
          </p>
          <button type="button" className="secondary small" onClick={close}>
            Close
          </button>
        </div>
      )}
    </div>
  )
}
