import { useEffect, type ReactNode } from 'react'

/** A page body with its heading; sets the document title so tabs and history read well. */
export function Page({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · alims`
  }, [title])

  return (
    <>
      <h1 className="page-title">{title}</h1>
      {children}
    </>
  )
}
