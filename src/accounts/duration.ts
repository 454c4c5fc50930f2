import { AppError } from '../errors/app-error.js'

const UNITS: Record<string, number> = {
  m: 60 * 1000,
  h: 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
  w: 7 * 24 * 60 * 60 * 1000,
  y: 365 * 24 * 60 * 60 * 1000,
}

/** Parses `30d`, `12h`, `90m`, `2w` or `1y` into milliseconds; throws VALIDATION_FAILED naming `field`. */
export function parseDuration(raw: string, field = 'expires'): number {
  const match = /^(\d{1,6})\s*([mhdwy])$/i.exec(raw.trim())
  const amount = match === null ? 0 : Number(match[1])
  const unit = UNITS[match?.[2]?.toLowerCase() ?? '']
  if (unit === undefined || amount <= 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${field} must be a duration such as 30d, 12h, 90m, 2w or 1y, got ${JSON.stringify(raw)}`,
      { status: 400, field },
    )
  }

  return amount * unit
}
