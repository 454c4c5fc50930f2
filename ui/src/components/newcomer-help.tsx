import { useEffect, useState } from 'react'

import { api } from '../api/client.js'
import { examplePath, type SourcesResponse } from '../sources/source-types.js'

import { EmptyState } from './empty-state.js'

function shellQuote(text: string): string {
  return /^[\w./@:-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`
}

/** The "no incidents yet" panel: where the worker looks and how to write a test line. */
export function NewcomerHelp({ title = 'No incidents yet' }: { title?: string }) {
  const [sources, setSources] = useState<SourcesResponse | null>(null)

  useEffect(() => {
    const controller = new AbortController()
    api<SourcesResponse>('/api/v1/sources', { signal: controller.signal }).then(setSources, () => {
      // Without the list the panel still explains the setting by name.
    })

    return () => {
      controller.abort()
    }
  }, [])

  const target = examplePath(sources?.globs[0])
  const line = `echo '{"level":"error","message":"test"}' >> ${shellQuote(target)}`

  return (
    <EmptyState title={title}>
      <p>
        The worker turns error lines of the watched log files into incidents. It follows the files
        matched by <code>ALIMS_LOG_PATHS</code>
        {sources === null ? '.' : ':'}
      </p>
      {sources !== null && (
        <ul className="globs">
          {sources.globs.map((glob) => (
            <li key={glob}>
              <code>{glob}</code>
            </li>
          ))}
        </ul>
      )}
      {sources !== null && (
        <p>
          Relative paths start from <code>{sources.cwd}</code>.{' '}
          {sources.items.length === 0
            ? 'No file has been read yet.'
            : `${sources.items.length} file(s) read so far — see Sources.`}
        </p>
      )}
      <p>Write a test line and it appears here within seconds:</p>
      <pre className="command">{line}</pre>
      <p>
        Is the worker running? <code>npm start</code> runs the web and the worker together.
      </p>
    </EmptyState>
  )
}
