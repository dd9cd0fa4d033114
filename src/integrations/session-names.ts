/** Names for new synced sessions: what the source suggests, made valid (PATTERNS.name) and unique. */
const MAX = 64

/** `suggested` with every character outside letters, digits, ".", "_", "-" turned into "-", at most 64 long. */
export function validName(suggested: string): string {
  const cleaned = suggested
    .replaceAll(/[^\w.-]+/g, '-')
    .replaceAll(/-{2,}/g, '-')
    .replaceAll(/^-+|-+$/g, '')
  return (cleaned || 'session').slice(0, MAX)
}

/** A valid name not in `taken` (adds -2, -3, … when needed); the name is added to `taken`. */
export function uniqueName(suggested: string, taken: Set<string>): string {
  const base = validName(suggested)
  let name = base
  for (let n = 2; taken.has(name); n++) {
    const suffix = `-${n}`
    name = `${base.slice(0, MAX - suffix.length)}${suffix}`
  }

  taken.add(name)
  return name
}
