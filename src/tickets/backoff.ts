/** Retry timing of the outbox: exponential from `baseMs`, capped at `maxMs`, with jitter. */
export interface BackoffSettings {
  baseMs: number
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 2000, maxMs: 10 * 60 * 1000 }

/**
 * The wait before attempt `attempts + 1`, in milliseconds: base × 2^(attempts − 1), capped,
 * then scaled by a random factor in [0.5, 1) so that rows failed together spread out.
 */
export function backoffDelay(
  attempts: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(30, Math.max(0, attempts - 1))
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** exponent)

  return Math.round(ceiling * (0.5 + random() * 0.5))
}
