/** GET /api/v1/sources: the globs the worker watches and the files it has read. */
export interface SourceStatus {
  path: string
  identity: string
  offset: number
  size: number
  lag: number
  lastEventAt: string | null
  linesRead: number
  events: number
  skipped: Record<string, number>
  lastError: string | null
  present: boolean | null
}

export interface SourcesResponse {
  globs: string[]
  cwd: string
  items: SourceStatus[]
}

/** A file path a glob would match, for the "write a test line" example. */
export function examplePath(glob: string | undefined): string {
  if (glob === undefined) return 'logs/app.log'

  const path = glob
    .replace(/^\.\//, '')
    .replace(/\*\*\//g, '')
    .replace(/\{([^,}]*)[^}]*\}/g, '$1')
    .replace(/\*/g, 'app')
    .replace(/\?/g, 'x')

  return path.endsWith('/') ? `${path}app.log` : path
}
