/**
 * `terrace integration add …` on a terminal: each required flag missing is asked for, in order (an empty answer
 * leaves it missing, and the type's module then exits 2 naming every missing flag). Not on a terminal (or CI, or
 * TERRACE_NO_INPUT): nothing is asked. The same rule as `session add` (session-prompts.ts).
 */
import type {RequiredFlag} from '../integrations/store.js'

import {missingFlags} from '../integrations/store.js'
import {isInteractive, promptLine} from '../lib/prompt.js'

export async function askMissingFlags<K extends string, V extends Partial<Record<K, string | undefined>>>(
  required: ReadonlyArray<RequiredFlag<K>>,
  values: V,
  io: {env: NodeJS.ProcessEnv; input?: NodeJS.ReadableStream & {isTTY?: boolean}; output?: NodeJS.WritableStream},
): Promise<V> {
  const stdin = io.input ?? process.stdin
  const missing = missingFlags(required, values)
  if (missing.length === 0 || !isInteractive(io.env, stdin)) return values
  const filled: V = {...values}
  for (const {flag, key, label} of missing) {
    const answer = (
      await promptLine(`${label} (${flag}): `, {env: io.env, input: stdin, output: io.output ?? process.stderr})
    ).trim()
    filled[key] = (answer === '' ? undefined : answer) as V[K]
  }

  return filled
}
