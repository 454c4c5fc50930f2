import { useEffect, useRef, useState } from 'react'

import type { IncidentChange } from '../incidents/incident-types.js'

export type StreamState = 'connecting' | 'live' | 'offline'

/**
 * Follows GET /api/v1/stream while the component is mounted. `onChange` gets each incident
 * change; `onReset` runs when the server says too much was missed (reload everything).
 * EventSource reconnects by itself and sends Last-Event-ID, so nothing is missed in between.
 */
export function useIncidentStream(
  onChange: (change: IncidentChange) => void,
  onReset?: () => void,
): StreamState {
  const [state, setState] = useState<StreamState>('connecting')
  const handlers = useRef({ onChange, onReset })
  useEffect(() => {
    handlers.current = { onChange, onReset }
  })

  useEffect(() => {
    const source = new EventSource('/api/v1/stream')
    source.onopen = () => {
      setState('live')
    }
    source.onerror = () => {
      setState(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting')
    }
    source.addEventListener('incident', (event) => {
      try {
        handlers.current.onChange(JSON.parse(String(event.data)) as IncidentChange)
      } catch {
        // A message that is not JSON is skipped; the next one carries the current state anyway.
      }
    })
    source.addEventListener('reset', () => {
      handlers.current.onReset?.()
    })

    return () => {
      source.close()
    }
  }, [])

  return state
}

/**
 * Coalesces bursts: the first call schedules `fn` `ms` later and calls until then join it, so a
 * steady stream of changes refreshes at most once per `ms` instead of never. Pending calls die
 * with the component.
 */
export function useCoalesced(fn: () => void, ms: number): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const latest = useRef(fn)
  useEffect(() => {
    latest.current = fn
  })
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current)
    },
    [],
  )

  const trigger = useRef(() => {
    if (timer.current !== null) return

    timer.current = setTimeout(() => {
      timer.current = null
      latest.current()
    }, ms)
  })

  return trigger.current
}

/** Shows the stream's state to people and screen readers. */
export function streamLabel(state: StreamState): string {
  switch (state) {
    case 'live':
      return 'Live'
    case 'connecting':
      return 'Connecting…'
    case 'offline':
      return 'Offline — reload the page'
  }
}
