/** Display helpers shared by the incident views. Every one returns plain text. */

/** A time in the reader's locale, to the second; '—' for null. */
export function formatTime(iso: string | null): string {
  if (iso === null) return '—'

  return new Date(iso).toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'medium',
  })
}

/** How long ago `iso` was, in the largest whole unit ("3 min ago"). */
export function ago(iso: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000))
  if (seconds < 60) return `${seconds} s ago`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`

  return `${Math.floor(seconds / 86_400)} d ago`
}

/** A byte count in B, KiB, MiB or GiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }

  return `${unit === 0 ? String(value) : value.toFixed(1)} ${units[unit] ?? 'B'}`
}

/** A count with thousands separators. */
export function formatCount(n: number): string {
  return n.toLocaleString()
}

/** "1 occurrence", "3 occurrences": a count with its noun (regular plurals only). */
export function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${n === 1 ? noun : `${noun}s`}`
}
