/**
 * "Did you mean …?" for a command line that names no terrace command (`terrace lyer info` → `layer info`). Pure:
 * the oclif hook and the help class pass in the command ids and topics they know.
 */
import {UsageError} from '../lib/errors.js'

/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution))
    }

    previous = current
  }

  return previous[b.length]
}

/**
 * The known command or topic (ids with ":" between words) closest to what was typed: each candidate of n words is
 * compared with the first n typed words; on a tie the longer candidate (the command, not its topic) wins.
 */
export function closestCommand(typed: readonly string[], candidates: readonly string[]): string | undefined {
  let best: undefined | {distance: number; id: string; words: number}
  for (const id of new Set(candidates)) {
    if (!id) continue
    const words = id.split(':').length
    const distance = editDistance(typed.slice(0, words).join(':'), id)
    const better =
      !best ||
      distance < best.distance ||
      (distance === best.distance && (words > best.words || (words === best.words && id < best.id)))
    if (better) best = {distance, id, words}
  }

  return best?.id
}

/** The usage error (exit 2) for a command line that names no command, with the closest one. */
export function unknownCommandError(typed: readonly string[], candidates: readonly string[]): Error {
  const words = typed.filter((word) => !word.startsWith('-'))
  const closest = closestCommand(words, candidates)
  const shown = words.slice(0, Math.max(1, closest?.split(':').length ?? 1)).join(' ')
  const guess = closest ? ` Did you mean "terrace ${closest.replaceAll(':', ' ')}"?` : ''
  return new UsageError(`"${shown}" is not a terrace command.${guess}`, {
    suggestion: 'terrace --help lists every command.',
  })
}
