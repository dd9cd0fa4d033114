import {join} from 'node:path'

import type {RoleRef} from '../../lib/role-refs.js'

import {readTextIfExists, updateTextFile} from '../../lib/config-file.js'
import {ConfigError} from '../../lib/errors.js'

/**
 * terrace-managed AWS profiles: which role each profile written by `aws configure sso` stands for, so
 * `terrace credential-process --profile <name>` works from any folder. Lives at TERRACE_HOME/config/profiles.json
 * (names, account ids, role names and start URLs only: no secret).
 */
export interface ManagedProfile {
  /** the AWS config file it was written to (absent in registries written before it was recorded) */
  configFile?: string
  /** file mode of a session: the AWS credentials file its short-lived keys are written to (their managed block) */
  credentialsFile?: string
  /** the project folder whose `aws configure sso` wrote it (absent in registries written before it was recorded) */
  projectRoot?: string
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
  return parseRegistry(await readTextIfExists(path), path)
}

function parseRegistry(text: string | undefined, path: string): Record<string, ManagedProfile> {
  if (text === undefined) return {}
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
  return updateTextFile(path, (text) => {
    const profiles = {...parseRegistry(text, path), ...change.set}
    for (const name of change.remove ?? []) delete profiles[name]
    const body: RegistryFile = {profiles, version: 1}
    return {result: profiles, text: `${JSON.stringify(body, null, 2)}\n`}
  })
}
