/**
 * Grouping accuracy as in the Loghub benchmarks: an event counts as correct when the group it
 * was put in holds exactly the events of its label, no more and no fewer. Returns 0–1.
 */
export function groupingAccuracy(keys: readonly string[], labels: readonly string[]): number {
  const byKey = new Map<string, number[]>()
  keys.forEach((key, i) => {
    const list = byKey.get(key) ?? []
    list.push(i)
    byKey.set(key, list)
  })
  const labelSize = new Map<string, number>()
  for (const label of labels) labelSize.set(label, (labelSize.get(label) ?? 0) + 1)

  let correct = 0
  for (const members of byKey.values()) {
    const label = labels[members[0]!]!
    const pure = members.every((i) => labels[i] === label)
    if (pure && labelSize.get(label) === members.length) correct += members.length
  }

  return keys.length === 0 ? 1 : correct / keys.length
}

/** Labels whose events were split over several groups or merged with others, for diagnosis. */
export function wrongLabels(
  keys: readonly string[],
  labels: readonly string[],
): Map<string, Set<string>> {
  const keysOf = new Map<string, Set<string>>()
  labels.forEach((label, i) => {
    const set = keysOf.get(label) ?? new Set<string>()
    set.add(keys[i]!)
    keysOf.set(label, set)
  })
  const labelsOf = new Map<string, Set<string>>()
  keys.forEach((key, i) => {
    const set = labelsOf.get(key) ?? new Set<string>()
    set.add(labels[i]!)
    labelsOf.set(key, set)
  })

  const wrong = new Map<string, Set<string>>()
  for (const [label, set] of keysOf) {
    const merged = [...set].some((key) => (labelsOf.get(key)?.size ?? 0) > 1)
    if (set.size > 1 || merged) wrong.set(label, set)
  }

  return wrong
}
