import {readFile} from 'node:fs/promises'

import {ConfigError} from '../lib/errors.js'

/** Line of `key =` in a file (1 when not found): for messages about values the parser returned without position. */
export async function lineOfKey(file: string, key: string): Promise<number> {
  try {
    const lines = (await readFile(file, 'utf8')).split('\n')
    const pattern = new RegExp(`^\\s*"?${key.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)}"?\\s*[=:]`)
    const index = lines.findIndex((line) => pattern.test(line))
    return index === -1 ? 1 : index + 1
  } catch {
    return 1
  }
}

async function wrongType(file: string, key: string, expected: string, value: unknown): Promise<never> {
  const line = await lineOfKey(file, key)
  throw new ConfigError(`${file}:${line}: \`${key}\` must be ${expected}, not ${JSON.stringify(value)}`)
}

/** A string value (numbers are accepted and turned into strings); null when absent or null. */
export async function optionalString(
  values: Record<string, unknown>,
  key: string,
  file: string,
): Promise<null | string> {
  const value = values[key]
  if (value === undefined || value === null) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  return wrongType(file, key, 'a string', value)
}

export async function requiredString(values: Record<string, unknown>, key: string, file: string): Promise<string> {
  const value = await optionalString(values, key, file)
  if (value === null || value === '') {
    throw new ConfigError(`${file}: missing required key \`${key}\``, {suggestion: `Add a line like: ${key} = "..."`})
  }

  return value
}

/** A bool (the strings "true"/"false" are accepted, as terraform converts them); null when absent. */
export async function optionalBool(
  values: Record<string, unknown>,
  key: string,
  file: string,
): Promise<boolean | null> {
  const value = values[key]
  if (value === undefined || value === null) return null
  if (typeof value === 'boolean') return value
  if (value === 'true' || value === 'false') return value === 'true'
  return wrongType(file, key, 'true or false', value)
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
