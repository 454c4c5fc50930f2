import { useEffect, useState } from 'react'

import { ApiError, api } from '../api/client.js'

import { when, type AlertDraft, type Preview } from './alert-types.js'

/** Renders the draft on the server as the user types (debounced): subject, body, next runs. */
export function AlertPreview({ draft }: { draft: AlertDraft }) {
  const [preview, setPreview] = useState<Preview | null>(null)
  const [error, setError] = useState<string | null>(null)
  const body = JSON.stringify(draft)

  useEffect(() => {
    const controller = new AbortController()
    const timer = setTimeout(() => {
      api<Preview>('/api/v1/alerts/preview', {
        method: 'POST',
        body: JSON.parse(body) as unknown,
        signal: controller.signal,
      }).then(
        (result) => {
          setPreview(result)
          setError(null)
        },
        (failure: unknown) => {
          if (controller.signal.aborted) return
          setError(failure instanceof ApiError ? failure.message : 'Preview unavailable.')
        },
      )
    }, 300)

    return () => {
      clearTimeout(timer)
      controller.abort()
    }
  }, [body])

  return (
    <section
      className="panel alert-preview"
      aria-labelledby="alert-preview-title"
      aria-live="polite"
    >
      <h2 id="alert-preview-title">Preview</h2>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {preview === null ? (
        <p className="muted">Rendering…</p>
      ) : (
        <>
          <p className="muted">
            With the {preview.matched} matching incidents of the last 24 hours (
            {when(preview.windowFrom)} – {when(preview.windowTo)}):
          </p>
          <dl className="facts">
            <dt>Subject</dt>
            <dd data-testid="preview-subject">{preview.subject}</dd>
          </dl>
          <pre className="email-body" data-testid="preview-body">
            {preview.text}
          </pre>
          <h3>Next five runs</h3>
          <ol data-testid="preview-next-runs">
            {preview.nextRuns.map((time) => (
              <li key={time}>{when(time)}</li>
            ))}
          </ol>
        </>
      )}
    </section>
  )
}
