import { useEffect, useState } from 'react'

import { recentSearches } from './search-state.js'
import { SyntaxHelp } from './syntax-help.js'

const INPUT_ID = 'incident-query'

/**
 * The search box: the language as typed, recent searches of this browser as suggestions, the
 * syntax help, and the server's error (with its position) tied to the input. "/" focuses it.
 */
export function SearchBox({
  query,
  error,
  onSearch,
}: {
  /** The query in force (from the address); the box shows it again when it changes. */
  query: string
  error: string | null
  onSearch: (query: string) => void
}) {
  const [draft, setDraft] = useState(query)
  const [recent, setRecent] = useState(recentSearches)
  // The server names the 0-based offset of a mistake ("… at 7"); a caret points at it.
  const at = error === null ? null : / at (\d+)$/.exec(error)
  const caret = at === null || Number(at[1]) > query.length ? null : Number(at[1])

  useEffect(() => {
    setDraft(query)
    setRecent(recentSearches())
  }, [query])

  // "/" jumps to the search box from anywhere on the page, as in most log tools.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null
      const isTyping =
        target !== null &&
        (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
      if (event.key !== '/' || isTyping || event.ctrlKey || event.metaKey || event.altKey) return

      event.preventDefault()
      document.getElementById(INPUT_ID)?.focus()
    }
    document.addEventListener('keydown', onKey)

    return () => {
      document.removeEventListener('keydown', onKey)
    }
  }, [])

  return (
    <form
      className="search-form"
      role="search"
      onSubmit={(event) => {
        event.preventDefault()
        onSearch(draft)
        setRecent(recentSearches())
      }}
    >
      <label htmlFor={INPUT_ID}>Search</label>
      <div className="search-row">
        <input
          id={INPUT_ID}
          type="search"
          list="recent-searches"
          aria-keyshortcuts="/"
          value={draft}
          placeholder='e.g. severity:HIGH "connection refused" since:24h'
          aria-invalid={error !== null}
          aria-describedby={error !== null ? 'query-error' : undefined}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            setDraft(e.target.value)
          }}
        />
        <datalist id="recent-searches">
          {recent.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        <button type="submit">Search</button>
        <SyntaxHelp
          onPick={(example) => {
            setDraft(draft.trim() === '' ? example : `${draft.trim()} ${example}`)
            document.getElementById(INPUT_ID)?.focus()
          }}
        />
      </div>
      {error !== null && (
        <p id="query-error" className="form-error" role="alert">
          {error}
        </p>
      )}
      {caret !== null && (
        <pre className="query-caret" aria-hidden="true">
          {`${query}\n${' '.repeat(caret)}^`}
        </pre>
      )}
    </form>
  )
}
