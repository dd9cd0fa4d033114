/** Reading a sandbox configuration from JSON; the default is templates/sandbox.json. */
import {readFileSync} from 'node:fs'

import {SandboxConfigError, type SandboxConfigInput} from './config.js'

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
