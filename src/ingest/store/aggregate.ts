import { maxSeverity, type Severity } from '../../incidents/severity.js'
import type { IncidentCandidate, LogEvent } from '../event.js'

/** All occurrences of one fingerprint in a batch, reduced to what the store writes. */
export interface FingerprintGroup {
  fingerprint: string
  severity: Severity
  /** The batch's first candidate: title, message, template, service and source of a new incident. */
  first: IncidentCandidate
  count: number
  firstSeen: number
  lastSeen: number
  /**
   * Occurrences per minute, keyed by minutes since the epoch (small integers hash faster than
   * epoch milliseconds): `minuteStart` turns a key into the epoch ms of the minute's start.
   */
  minutes: Map<number, number>
  /** The first `firstLimit` events of the batch, oldest first. */
  earliest: LogEvent[]
  /** The last `latestLimit` events of the batch, oldest first. */
  latest: LogEvent[]
  noTicket: boolean
}

const MINUTE = 60_000

/** Epoch ms of the start of the minute `key` of `FingerprintGroup.minutes`. */
export function minuteStart(key: number): number {
  return key * MINUTE
}

/**
 * Adds one candidate to `groups` (keyed by fingerprint, in first-seen order), keeping at most
 * `firstLimit` earliest and `latestLimit` latest sample events per group.
 */
export function addCandidate(
  groups: Map<string, FingerprintGroup>,
  candidate: IncidentCandidate,
  firstLimit: number,
  latestLimit: number,
): void {
  const { event, classification, grouping } = candidate
  const time = event.timestamp
  const minute = (time - (time % MINUTE)) / MINUTE
  let group = groups.get(grouping.fingerprint)
  if (group === undefined) {
    group = {
      fingerprint: grouping.fingerprint,
      severity: classification.severity,
      first: candidate,
      count: 0,
      firstSeen: time,
      lastSeen: time,
      minutes: new Map(),
      earliest: [],
      latest: [],
      noTicket: classification.noTicket,
    }
    groups.set(grouping.fingerprint, group)
  }

  group.count += 1
  group.severity = maxSeverity(group.severity, classification.severity)
  group.firstSeen = Math.min(group.firstSeen, time)
  group.lastSeen = Math.max(group.lastSeen, time)
  group.minutes.set(minute, (group.minutes.get(minute) ?? 0) + 1)
  if (group.earliest.length < firstLimit) group.earliest.push(event)
  if (latestLimit > 0) {
    group.latest.push(event)
    if (group.latest.length > latestLimit) group.latest.shift()
  }
}

/**
 * Groups a batch's candidates by fingerprint, in first-seen order. Keeps a bounded number of
 * sample events per group, so a batch of 10,000 repeats costs the same to store as a few.
 */
export function aggregate(
  candidates: readonly IncidentCandidate[],
  firstLimit: number,
  latestLimit: number,
): FingerprintGroup[] {
  const groups = new Map<string, FingerprintGroup>()
  for (const candidate of candidates) addCandidate(groups, candidate, firstLimit, latestLimit)

  return [...groups.values()]
}
