/** Reading a sandbox configuration from JSON; the default is templates/sandbox.json. */
import {readFileSync} from 'node:fs'

import {shapeProblem} from './config-schema.js'
import {normaliseConfig, SandboxConfigError, type SandboxConfigInput} from './config.js'

/** templates/sandbox.json, two levels up from both src/sandbox and dist/sandbox. */
export const DEFAULT_CONFIG_FILE = new URL('../../templates/sandbox.json', import.meta.url)

export function loadSandboxConfigFile(file: string | URL = DEFAULT_CONFIG_FILE): SandboxConfigInput {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new SandboxConfigError(`cannot read ${String(file)}: ${(error as Error).message}`)
  }

  try {
    const parsed = JSON.parse(text) as unknown
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object')
    return parsed as SandboxConfigInput
  } catch (error) {
    throw new SandboxConfigError(`${String(file)} is not valid JSON: ${(error as Error).message}`)
  }
}

/** The keys whose objects a configuration file merges into the template's key by key (the others replace). */
const MERGED_OBJECTS = ['faults', 'mfa', 'rateLimit', 'sso', 'webIdentity'] as const

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * `own` over `template`: the keys `own` gives replace the template's, except the settings objects (sso, mfa,
 * rateLimit, faults, webIdentity), merged key by key. A file that gives `accounts` describes its own world: the
 * template's IAM users (alice lives in its `security` account) stay out unless the file lists `iamUsers`.
 */
export function mergeOverTemplate(template: SandboxConfigInput, own: SandboxConfigInput): SandboxConfigInput {
  const merged: Record<string, unknown> = {...template, ...own}
  for (const key of MERGED_OBJECTS) {
    const [base, mine] = [template[key], own[key]]
    if (isObject(base) && isObject(mine)) merged[key] = {...base, ...mine}
  }

  if ('accounts' in own && !('iamUsers' in own)) merged.iamUsers = []
  return merged as SandboxConfigInput
}

/**
 * The configuration `terrace sandbox` runs: templates/sandbox.json, or `file` merged over it (mergeOverTemplate).
 * An unknown key, a wrong type or a bad value is a SandboxConfigError naming the file and the key's path.
 */
export function sandboxConfigFromFile(file?: string): SandboxConfigInput {
  const template = loadSandboxConfigFile()
  if (file === undefined) return template
  const own = loadSandboxConfigFile(file)
  const problem = shapeProblem(own)
  if (problem) throw new SandboxConfigError(`${file}: ${problem}`)
  const merged = mergeOverTemplate(template, own)
  try {
    normaliseConfig(merged)
  } catch (error) {
    if (error instanceof SandboxConfigError) throw new SandboxConfigError(`${file}: ${error.problem}`)
    throw error
  }

  return merged
}
