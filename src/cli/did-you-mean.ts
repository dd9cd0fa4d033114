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
 * The known command or topic (ids with ":" between words) closest to what was typed, word by word. A topic that
 * leaves the next typed word unexplained (`chain lst`: the topic `chain` and "lst") pays for that word, so the
 * command (`chain list`) wins; words after a command are its arguments and cost nothing. Ties go to the longer id.
 */
export function closestCommand(
  typed: readonly string[],
  commands: readonly string[],
  topics: readonly string[] = [],
): string | undefined {
  const topicSet = new Set(topics)
  let best: undefined | {distance: number; id: string; words: number}
  for (const id of new Set([...commands, ...topics])) {
    if (!id) continue
    const parts = id.split(':')
    let distance = parts.reduce((sum, part, i) => sum + editDistance(typed[i] ?? '', part), 0)
    if (topicSet.has(id) && !commands.includes(id)) distance += typed[parts.length]?.length ?? 0
    const words = parts.length
    const better =
      !best ||
      distance < best.distance ||
      (distance === best.distance && (words > best.words || (words === best.words && id < best.id)))
    if (better) best = {distance, id, words}
  }

  return best?.id
}

/** The usage error (exit 2) for a command line that names no command, with the closest command or topic. */
export function unknownCommandError(
  typed: readonly string[],
  commands: readonly string[],
  topics: readonly string[] = [],
): Error {
  const words = typed.filter((word) => !word.startsWith('-'))
  const closest = closestCommand(words, commands, topics)
  const exact = closest !== undefined && closest.split(':').every((part, i) => words[i] === part)
  if (exact && commands.includes(closest)) {
    const command = closest.replaceAll(':', ' ')
    const suggestion = `terrace ${command} --help lists its options and arguments.`
    if (typed[0]?.startsWith('-')) {
      return new UsageError(
        `unknown option ${typed[0]} before "${command}": terrace's options come after the command`,
        {
          suggestion,
        },
      )
    }

    const extra = words.slice(closest.split(':').length)
    if (extra.length > 0) return new UsageError(`unexpected argument "${extra[0]}" for "${command}"`, {suggestion})
  }

  const underTopic = topicTypo(words, commands, topics)
  if (underTopic) return underTopic

  const shown = words.slice(0, Math.max(1, closest?.split(':').length ?? 1)).join(' ')
  const guess = closest ? ` Did you mean "terrace ${closest.replaceAll(':', ' ')}"?` : ''
  return new UsageError(`"${shown}" is not a terrace command.${guess}`, {
    suggestion: 'terrace --help lists every command.',
  })
}

/**
 * A command line that names a topic exactly and then no command of it (`session strat x`, `session add bogus`):
 * the closest command of that topic when the word is a near miss, else the topic's commands. Undefined when no
 * topic is typed exactly.
 */
function topicTypo(
  words: readonly string[],
  commands: readonly string[],
  topics: readonly string[],
): Error | undefined {
  const topic = topics
    .filter((t) => t.split(':').every((part, i) => words[i] === part))
    .sort((a, b) => b.split(':').length - a.split(':').length)[0]
  if (topic === undefined) return undefined
  const depth = topic.split(':').length
  const next = words[depth]
  if (next === undefined) return undefined
  const prefix = `${topic}:`
  const closest = closestCommand(
    words,
    commands.filter((c) => c.startsWith(prefix)),
    topics.filter((t) => t.startsWith(prefix)),
  )
  const near = closest?.split(':')[depth]
  const spaced = topic.replaceAll(':', ' ')
  if (
    closest !== undefined &&
    near !== undefined &&
    editDistance(next, near) <= Math.max(2, Math.floor(next.length / 2))
  ) {
    return new UsageError(
      `"${words.slice(0, closest.split(':').length).join(' ')}" is not a terrace command. Did you mean "terrace ${closest.replaceAll(':', ' ')}"?`,
      {suggestion: `terrace ${spaced} --help lists its commands.`},
    )
  }

  const children = [
    ...new Set([...commands, ...topics].filter((id) => id.startsWith(prefix)).map((id) => id.split(':')[depth])),
  ].sort()
  return new UsageError(
    `"${words.slice(0, depth + 1).join(' ')}" is not a terrace command: terrace ${spaced} has ${children.join(', ')}.`,
    {suggestion: `terrace ${spaced} --help lists them.`},
  )
}
