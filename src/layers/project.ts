import {stat} from 'node:fs/promises'
import {join} from 'node:path'

import {extractAccountIds} from './accounts.js'
import {optionalBool, optionalString, requiredString} from './config-values.js'
import {ACCOUNT_TFVARS, COMMON_TFVARS, findRoot, listAccountDirs} from './discover.js'
import {loadProjectSettings, type ProjectSettings} from './settings.js'
import {type ParserLoader, parseTfvarsFile, tfvarsCacheDir} from './tfvars/index.js'

export interface LoadOptions {
  env?: NodeJS.ProcessEnv
  /** injected in tests; defaults to requiring hcl2-parser (only on a cache miss) */
  loadParser?: ParserLoader
  /** the settings of a root, when the caller loads (and keeps) them itself: see project-cache.ts */
  settingsAt?: (root: string) => Promise<ProjectSettings>
}

/** Values of config/common.tfvars that terrace uses; null when absent. */
export interface CommonConfig {
  project: string
  projectLong: null | string
  region: null | string
  regionPrimary: null | string
  regionSecondary: null | string
  ssoEnabled: boolean | null
  ssoRegion: null | string
  ssoStartUrl: null | string
}

/** Values of <account>/config/account.tfvars. */
export interface AccountConfig {
  environment: null | string
  region: null | string
  ssoRole: null | string
}

export interface AccountInfo {
  /** absolute path of the account folder, null when the account is only named in common.tfvars */
  dir: null | string
  /** 12-digit account id from common.tfvars, null when not listed */
  id: null | string
  region: null | string
  ssoRole: null | string
}

export interface Project {
  accounts: Record<string, AccountInfo>
  common: CommonConfig
  /** absolute path of config/common.tfvars */
  commonFile: string
  root: string
  /** terrace.json (validated: a bad one is a ConfigError, exit 4) and build.env's MFA_ENABLED */
  settings: ProjectSettings
  /** every value of common.tfvars, as parsed */
  values: Record<string, unknown>
  warnings: string[]
}

const parseOptions = (options: LoadOptions) => ({
  cacheDir: tfvarsCacheDir(options.env ?? process.env),
  loadParser: options.loadParser,
})

export async function readCommonConfig(file: string, values: Record<string, unknown>): Promise<CommonConfig> {
  return {
    project: await requiredString(values, 'project', file),
    projectLong: await optionalString(values, 'project_long', file),
    region: await optionalString(values, 'region', file),
    regionPrimary: await optionalString(values, 'region_primary', file),
    regionSecondary: await optionalString(values, 'region_secondary', file),
    ssoEnabled: await optionalBool(values, 'sso_enabled', file),
    ssoRegion: await optionalString(values, 'sso_region', file),
    ssoStartUrl: await optionalString(values, 'sso_start_url', file),
  }
}

/** Parses <accountDir>/config/account.tfvars (environment, sso_role, region). */
export async function loadAccountConfig(accountDir: string, options: LoadOptions = {}): Promise<AccountConfig> {
  const file = join(accountDir, ACCOUNT_TFVARS)
  const values = await parseTfvarsFile(file, parseOptions(options))
  return {
    environment: await optionalString(values, 'environment', file),
    region: await optionalString(values, 'region', file),
    ssoRole: await optionalString(values, 'sso_role', file),
  }
}

/**
 * Loads the project whose root is `root`: common.tfvars plus every account (ids from common, role/region from
 * account.tfvars), and its settings (terrace.json, build.env), so every command that reads a project checks
 * terrace.json the same way.
 */
export async function loadProjectAt(root: string, options: LoadOptions = {}): Promise<Project> {
  const settings = await (options.settingsAt ?? loadProjectSettings)(root)
  const commonFile = join(root, COMMON_TFVARS)
  const values = await parseTfvarsFile(commonFile, parseOptions(options))
  const common = await readCommonConfig(commonFile, values)
  const {ids, warnings} = extractAccountIds(values)
  const accounts: Record<string, AccountInfo> = {}
  for (const [name, id] of Object.entries(ids)) accounts[name] = {dir: null, id, region: null, ssoRole: null}
  for (const name of await listAccountDirs(root)) {
    const dir = join(root, name)
    const config = await loadAccountConfig(dir, options)
    accounts[name] = {dir, id: accounts[name]?.id ?? null, region: config.region, ssoRole: config.ssoRole}
  }

  return {accounts, common, commonFile, root, settings, values, warnings}
}

/** Finds the project from cwd (NotInProjectError, exit 3, outside one) and loads it (ConfigError, exit 4, when broken). */
export async function loadProject(cwd: string, options: LoadOptions = {}): Promise<Project> {
  return loadProjectAt(await findRoot(cwd), options)
}

/** Adds an account folder that is not directly under root (nested layouts) to the project's accounts. */
export async function withAccountDir(project: Project, name: string, dir: string, options: LoadOptions = {}) {
  if (project.accounts[name]?.dir === dir) return project.accounts[name]
  const exists = await stat(join(dir, ACCOUNT_TFVARS)).then(
    () => true,
    () => false,
  )
  const config = exists ? await loadAccountConfig(dir, options) : {region: null, ssoRole: null}
  const info: AccountInfo = {
    dir,
    id: project.accounts[name]?.id ?? null,
    region: config.region,
    ssoRole: config.ssoRole,
  }
  project.accounts[name] = info
  return info
}
