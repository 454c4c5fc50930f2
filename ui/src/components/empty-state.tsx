import type { ReactNode } from 'react'

/** A clear "nothing here yet" panel: what the page will show and what to do meanwhile. */
export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="empty-state" aria-label={title}>
      <h2>{title}</h2>
      <div className="muted">{children}</div>
    </section>
  )
}
