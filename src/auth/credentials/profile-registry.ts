import {mkdir, readFile, rename, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import type {RoleRef} from './types.js'

import {ConfigError} from '../../lib/errors.js'

/**
 * terrace-managed AWS profiles: which role each profile written by `aws configure sso` stands for, so
 * `terrace credential-process --profile <name>` works from any folder. Lives at TERRACE_HOME/config/profiles.json
 * (names, account ids, role names and start URLs only: no secret).
 */
export interface ManagedProfile {
  ref: RoleRef
  /** the region written into the profile */
  region: null | string
}

interface RegistryFile {
  profiles: Record<string, ManagedProfile>
  version: 1
}

export const profileRegistryPath = (configDir: string): string => join(configDir, 'profiles.json')

export async function readProfileRegistry(configDir: string): Promise<Record<string, ManagedProfile>> {
  const path = profileRegistryPath(configDir)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }

  try {
    const parsed = JSON.parse(text) as RegistryFile
    return parsed.profiles ?? {}
  } catch {
    throw new ConfigError(`${path} is not valid JSON.`, {
      suggestion: `Move it aside and run \`terrace aws configure sso\` again in your project.`,
    })
  }
}

/** Adds or replaces profiles (and removes `remove`), atomically, under a lock; returns the registry written. */
export async function updateProfileRegistry(
  configDir: string,
  change: {remove?: string[]; set?: Record<string, ManagedProfile>},
): Promise<Record<string, ManagedProfile>> {
  const path = profileRegistryPath(configDir)
  await mkdir(dirname(path), {mode: 0o700, recursive: true})
  const {withLock} = await import('../../lib/lock.js') // not on credential-process's read-only path
  return withLock(`${path}.lock`, async () => {
    const profiles = {...(await readProfileRegistry(configDir)), ...change.set}
    for (const name of change.remove ?? []) delete profiles[name]
    const body: RegistryFile = {profiles, version: 1}
    const temporary = `${path}.${process.pid}.tmp`
    await writeFile(temporary, `${JSON.stringify(body, null, 2)}\n`, {mode: 0o600})
    await rename(temporary, path)
    return profiles
  })
}
