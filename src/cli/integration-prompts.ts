/**
 * `terrace integration add …` on a terminal: each required flag missing is asked for, in order (an empty answer
 * leaves it missing, and the type's module then exits 2 naming every missing flag). Not on a terminal (or CI, or
 * TERRACE_NO_INPUT): nothing is asked. The same rule as `session add` (session-prompts.ts).
 */
import type {RequiredFlag} from '../integrations/store.js'

import {missingFlags} from '../integrations/store.js'
import {askForMissing, type PromptInput} from '../lib/prompt.js'

export function askMissingFlags<K extends string, V extends Partial<Record<K, string | undefined>>>(
  required: ReadonlyArray<RequiredFlag<K>>,
  values: V,
  io: {env: NodeJS.ProcessEnv; input?: PromptInput; output?: NodeJS.WritableStream},
): Promise<V> {
  return askForMissing(missingFlags(required, values), values, io)
}
