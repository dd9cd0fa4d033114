/**
 * terrace.json: optional project settings that have no place in the Leverage files (schemas/terrace.schema.json).
 * Nothing in it is required, and a project without it behaves as before. Also the older wrapper's MFA switch,
 * `MFA_ENABLED=true` in <root>/build.env. Parsing and validation are pure; a bad file is a ConfigError (exit 4)
 * naming the file and the key.
 */
import {join} from 'node:path'

import {readTextIfExists} from '../lib/config-file.js'
import {ConfigError} from '../lib/errors.js'

export const SETTINGS_FILE = 'terrace.json'
export const BUILD_ENV_FILE = 'build.env'

export type MfaMode = 'auto' | 'off' | 'on'
export type SettingsIamUser = 'bootstrap' | 'management' | 'security'
export type BinaryName = 'aws' | 'terraform' | 'tofu'

export interface ProjectSettings {
  binaries: Partial<Record<BinaryName, string>>
  /** MFA_ENABLED in build.env: true/false, null when absent (or no build.env) */
  buildEnvMfa: boolean | null
  /** account name → chain name (`terrace chain add`) */
  chains: Record<string, string>
  /** absolute path of terrace.json, null when the project has none */
  file: null | string
  /** which of the project's IAM users assumes the roles (default: security) */
  iamUser: SettingsIamUser
  /** "auto" (default): MFA when common.tfvars says sso_enabled = false or build.env says MFA_ENABLED=true */
  mfa: MfaMode
  mfaSessionDurationSeconds: null | number
  /** account name → role name */
  roles: Record<string, string>
}

export const DEFAULT_SETTINGS: ProjectSettings = {
  binaries: {},
  buildEnvMfa: null,
  chains: {},
  file: null,
  iamUser: 'security',
  mfa: 'auto',
  mfaSessionDurationSeconds: null,
  roles: {},
}

const KEYS = ['$schema', 'binaries', 'chains', 'iamUser', 'mfa', 'mfaSessionDurationSeconds', 'roles'] as const
const MFA_MODES: readonly MfaMode[] = ['auto', 'on', 'off']
const IAM_USERS: readonly SettingsIamUser[] = ['security', 'management', 'bootstrap']
const BINARIES: readonly BinaryName[] = ['terraform', 'tofu', 'aws']
/** role names as IAM allows them (path-less) */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Pure: terrace.json's text → settings (without build.env). ConfigError naming `file` and the key when invalid. */
export function parseSettings(text: string, file: string): Omit<ProjectSettings, 'buildEnvMfa'> {
  const bad = (key: string, why: string) =>
    new ConfigError(`${file}: "${key}" ${why}.`, {
      suggestion: `Fix ${file} (its schema: schemas/terrace.schema.json), or remove the key: every setting is optional.`,
    })
  let value: unknown
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON (${(error as Error).message}).`, {
      suggestion: `Fix ${file}, or remove it: every setting in it is optional.`,
    })
  }

  if (!isObject(value))
    throw new ConfigError(`${file} must hold a JSON object.`, {suggestion: 'For example: {"mfa": "on"}'})
  for (const key of Object.keys(value)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw bad(key, `is not a terrace setting (known: ${KEYS.filter((k) => k !== '$schema').join(', ')})`)
    }
  }

  const settings: Omit<ProjectSettings, 'buildEnvMfa'> = {
    ...DEFAULT_SETTINGS,
    binaries: {},
    chains: {},
    file,
    roles: {},
  }
  if (value.mfa !== undefined) {
    if (!MFA_MODES.includes(value.mfa as MfaMode)) throw bad('mfa', `must be one of ${MFA_MODES.join(', ')}`)
    settings.mfa = value.mfa as MfaMode
  }

  if (value.iamUser !== undefined) {
    if (!IAM_USERS.includes(value.iamUser as SettingsIamUser)) {
      throw bad('iamUser', `must be one of ${IAM_USERS.join(', ')}`)
    }

    settings.iamUser = value.iamUser as SettingsIamUser
  }

  settings.roles = stringMap(value.roles, 'roles', (k, v) => {
    if (!ROLE_NAME.test(v)) throw bad(`roles.${k}`, 'must be an IAM role name (letters, digits, +=,.@_-)')
  })
  settings.chains = stringMap(value.chains, 'chains', () => {})
  const binaries = stringMap(value.binaries, 'binaries', (k) => {
    if (!(BINARIES as readonly string[]).includes(k)) throw bad(`binaries.${k}`, `is not one of ${BINARIES.join(', ')}`)
  })
  settings.binaries = binaries as Partial<Record<BinaryName, string>>

  const duration = value.mfaSessionDurationSeconds
  if (duration !== undefined) {
    if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 900 || duration > 129_600) {
      throw bad('mfaSessionDurationSeconds', 'must be a whole number of seconds from 900 to 129600')
    }

    settings.mfaSessionDurationSeconds = duration
  }

  return settings

  function stringMap(raw: unknown, key: string, check: (k: string, v: string) => void): Record<string, string> {
    if (raw === undefined) return {}
    if (!isObject(raw)) throw bad(key, 'must be an object of names to strings')
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(raw)) {
      if (typeof v !== 'string' || v.trim() === '') throw bad(`${key}.${k}`, 'must be a non-empty string')
      check(k, v)
      out[k] = v
    }

    return out
  }
}

/** Pure: `KEY=value` lines of a build.env (comments, blank lines, `export`, quotes tolerated). */
export function parseBuildEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=\s*(.*?)\s*$/.exec(line)
    if (!m || line.trim().startsWith('#')) continue
    let v = m[2]
    v = /^(["']).*\1$/.test(v) ? v.slice(1, -1) : v.replace(/\s+#.*$/, '')
    out[m[1]] = v
  }

  return out
}

/** MFA_ENABLED from build.env's variables: true/false (any case), null when absent or something else. */
export function buildEnvMfa(vars: Record<string, string>): boolean | null {
  const v = vars.MFA_ENABLED?.trim().toLowerCase()
  if (v === 'true') return true
  if (v === 'false') return false
  return null
}

async function readOptional(path: string): Promise<null | string> {
  try {
    return (await readTextIfExists(path)) ?? null
  } catch (error) {
    throw new ConfigError(`Cannot read ${path}: ${(error as Error).message}`)
  }
}

/** The settings of the project at root: terrace.json (optional) and build.env's MFA_ENABLED (optional). */
export async function loadProjectSettings(root: string): Promise<ProjectSettings> {
  const file = join(root, SETTINGS_FILE)
  const [json, env] = await Promise.all([readOptional(file), readOptional(join(root, BUILD_ENV_FILE))])
  const base = json === null ? DEFAULT_SETTINGS : parseSettings(json, file)
  return {...base, buildEnvMfa: env === null ? null : buildEnvMfa(parseBuildEnv(env))}
}

/**
 * An MFA project reaches its roles from an IAM user with MFA rather than through SSO: terrace.json "mfa": "on";
 * or, with "auto" (the default), `sso_enabled = false` in common.tfvars or MFA_ENABLED=true in build.env.
 */
export function isMfaProject(settings: ProjectSettings, common: {ssoEnabled: boolean | null}): boolean {
  if (settings.mfa === 'on') return true
  if (settings.mfa === 'off') return false
  return common.ssoEnabled === false || settings.buildEnvMfa === true
}
