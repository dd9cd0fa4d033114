import type {ManagedProfile} from '../auth/credentials/profile-registry.js'
import type {ProfileBinding, SsoRoleRef} from '../lib/role-refs.js'
import type {ReachableRole} from './sso-role-listing.js'

import {ConfigError, type TerraceError} from '../lib/errors.js'
import {dieHereInTests} from '../lib/test-death.js'
import {editAwsConfigFile, managedProfileNames, readAwsConfigBytes, resolveAwsConfigFile} from './config-file.js'
import {credentialProcessLine} from './credential-process-line.js'
import {credentialsFileProfiles} from './credentials-file.js'
import {removeLeftovers} from './leftovers.js'
import {AwsProfileSection, editManagedBlockBytes} from './managed-block.js'
import {escapeName, isSafeProfileName, SAFE_ACCOUNT_ID, SAFE_ROLE_NAME} from './safe-names.js'

/** One profile `aws configure sso` writes. */
export interface PlannedProfile {
  name: string
  ref: SsoRoleRef
  region: string
}

export interface ProjectNaming {
  /** project account name → id and region (account.tfvars region, when set) */
  accounts: Record<string, {id: null | string; region?: null | string}>
  /** region_primary (or region, or the SSO region): the region of accounts without their own */
  defaultRegion: string
  project: string
  ssoRegion: string
  startUrl: string
}

/** `My Account (prod)` → `my-account-prod`: lowercase letters, digits, dots and underscores, hyphen-separated. */
export function sanitizeName(text: string): string {
  return text
    .toLowerCase()
    .replaceAll(/[^\w.]+/g, '-')
    .replaceAll(/^-+|-+$/g, '')
}

/**
 * The profiles to write: every (account, role) the project uses, then (with `--all`) every role the SSO login
 * reaches. A reachable role in an account the project knows is named after the project's account; others after
 * the SSO account name (`<project>-<name>-<role>`, with the account id added if two accounts share a name).
 * A role whose account id, role name or resulting profile name falls outside the safe patterns (safe-names.ts) is
 * skipped, with a warning naming it (escaped): those names come from the portal and must not shape the file.
 */
export function planProfiles(
  naming: ProjectNaming,
  bindings: ProfileBinding<SsoRoleRef>[],
  reachable: ReachableRole[] = [],
  warn: (message: string) => void = () => {},
): PlannedProfile[] {
  const regionOf = (account: null | string) => (account && naming.accounts[account]?.region) || naming.defaultRegion
  const planned = new Map<string, PlannedProfile>()
  const seen = new Set<string>()
  for (const binding of bindings) {
    if (!isSafeProfileName(binding.name)) {
      warn(`skipped the profile ${escapeName(binding.name)}: not a safe profile name (letters, digits, . _ -)`)
      continue
    }

    planned.set(binding.name, {name: binding.name, ref: binding.ref, region: regionOf(binding.ref.account)})
    seen.add(`${binding.ref.accountId}/${binding.ref.role}`)
  }

  const accountById = new Map(
    Object.entries(naming.accounts).flatMap(([name, info]) => (info.id ? [[info.id, name] as const] : [])),
  )
  const sorted = [...reachable].sort(
    (a, b) => a.accountId.localeCompare(b.accountId) || a.roleName.localeCompare(b.roleName),
  )
  for (const role of sorted) {
    if (seen.has(`${role.accountId}/${role.roleName}`)) continue
    seen.add(`${role.accountId}/${role.roleName}`)
    if (!SAFE_ACCOUNT_ID.test(role.accountId) || !SAFE_ROLE_NAME.test(role.roleName)) {
      warn(
        `skipped the SSO role ${escapeName(role.roleName)} of account ${escapeName(role.accountId)}: not a valid IAM role name and account id`,
      )
      continue
    }

    const account = accountById.get(role.accountId) ?? null
    const label = account ?? (sanitizeName(role.accountName ?? '') || role.accountId)
    let name = `${naming.project}-${label}-${role.roleName.toLowerCase()}`
    if (planned.has(name)) name = `${naming.project}-${label}-${role.accountId}-${role.roleName.toLowerCase()}`
    if (!isSafeProfileName(name)) {
      warn(
        `skipped the SSO role ${escapeName(role.roleName)} of account ${role.accountId}: its profile name ${escapeName(name)} is not safe (letters, digits, . _ -)`,
      )
      continue
    }

    const ref: SsoRoleRef = {
      account,
      accountId: role.accountId,
      kind: 'sso',
      role: role.roleName,
      source: null,
      ssoRegion: naming.ssoRegion,
      startUrl: naming.startUrl,
    }
    planned.set(name, {name, ref, region: regionOf(account)})
  }

  return [...planned.values()]
}

export interface ConfiguredProfile {
  accountId: string
  /** for a skipped profile: where the user defines the name (`file:line`) */
  clash?: string
  name: string
  region: string
  role: string
  status: 'skipped' | 'unchanged' | 'written'
}

export interface ConfigureResult {
  configFile: string
  profiles: ConfiguredProfile[]
}

/** The error (exit 4) a run that skipped profiles ends with, naming each and where the user defines it. */
export function skippedProfilesError(profiles: ConfiguredProfile[]): TerraceError | undefined {
  const skipped = profiles.filter((p) => p.status === 'skipped')
  if (skipped.length === 0) return undefined
  const list = skipped.map((p) => `${p.name} (${p.clash})`).join(', ')
  return new ConfigError(
    `Your AWS files already define ${skipped.length === 1 ? 'the profile' : 'profiles'} ${list} outside terrace's managed block: not written (terrace does not overwrite, or get shadowed by, your profiles); the other profiles were written.`,
    {suggestion: 'Rename or remove that profile where it is defined, then run `terrace aws configure sso` again.'},
  )
}

/**
 * Writes the planned profiles into the managed block of `configFile`, then records them in terrace's profile
 * registry. A name the user already defines outside the block (or in the credentials file) is skipped (status
 * `skipped`, with where it is defined); the others are written.
 */
export async function writeSsoProfiles(
  planned: PlannedProfile[],
  deps: {
    configFile: string
    /** the AWS credentials file: a section there named like a profile would shadow it */
    credentialsFile: string
    /** absolute path of terrace's entry point (bin/run.js) */
    entry: string
    /** absolute path of node */
    node: string
    /** the project folder, recorded with each profile */
    projectRoot?: string
    readRegistry(): Promise<Record<string, ManagedProfile>>
    updateRegistry(change: {remove?: string[]; set?: Record<string, ManagedProfile>}): Promise<unknown>
  },
): Promise<ConfigureResult> {
  refuseTakeover(planned, await deps.readRegistry(), deps.projectRoot)
  const sections: AwsProfileSection[] = planned.map((p) => ({
    name: p.name,
    settings: [
      ['credential_process', credentialProcessLine({entry: deps.entry, node: deps.node, profile: p.name})],
      ['region', p.region],
    ],
  }))
  const credentials = await credentialsFileProfiles(deps.credentialsFile)
  const reserved = new Map([...credentials].map(([name, line]) => [name, `${deps.credentialsFile}:${line}`]))
  const record = (profiles: PlannedProfile[]): Record<string, ManagedProfile> =>
    Object.fromEntries(
      profiles.map((p) => [
        p.name,
        {configFile: deps.configFile, ...root, ref: p.ref, region: p.region} satisfies ManagedProfile,
      ]),
    )
  const root = deps.projectRoot ? {projectRoot: deps.projectRoot} : {}
  // The registry first (the intent), then the config, then the registry again (the outcome): killed at any point,
  // the block never holds a profile the registry does not know; reconcileManagedProfiles drops what the config
  // did not get.
  const foreseen = editManagedBlockBytes(await readAwsConfigBytes(deps.configFile), {reserved, set: sections}, '')
  const intended = planned.filter((p) => !foreseen.clashes.some((c) => c.name === p.name))
  await deps.updateRegistry({set: record(intended)})
  dieHereInTests('configure-sso:registry-written')
  const edit = await editAwsConfigFile(deps.configFile, {reserved, set: sections})
  dieHereInTests('configure-sso:config-written')
  const clashes = new Map(edit.clashes.map((c) => [c.name, c.where]))
  const kept = planned.filter((p) => !clashes.has(p.name))
  // only what this run recorded is taken back: an entry of the same name may belong to another config file
  const unwritten = intended.filter((p) => clashes.has(p.name)).map((p) => p.name)
  await deps.updateRegistry({remove: unwritten, set: record(kept)})
  const unchanged = new Set(edit.unchanged)
  return {
    configFile: deps.configFile,
    profiles: planned.map((p) => ({
      accountId: p.ref.accountId,
      ...(clashes.has(p.name) ? {clash: clashes.get(p.name)} : {}),
      name: p.name,
      region: p.region,
      role: p.ref.role,
      status: clashes.has(p.name) ? 'skipped' : unchanged.has(p.name) ? 'unchanged' : 'written',
    })),
  }
}

const folder = (root: string | undefined) => (root ? `, project folder ${root}` : '')

/**
 * Two projects with the same `project` name but different start URLs would name their profiles alike and take over
 * each other's: refused (ConfigError, exit 4, nothing written) naming both start URLs and project folders.
 */
function refuseTakeover(
  planned: PlannedProfile[],
  registry: Record<string, ManagedProfile>,
  projectRoot: string | undefined,
): void {
  const taken = planned.flatMap((p) => {
    const existing = Object.hasOwn(registry, p.name) ? registry[p.name] : undefined
    if (existing?.ref.kind !== 'sso' || existing.ref.startUrl === p.ref.startUrl) return []
    return [{existing, planned: p}]
  })
  if (taken.length === 0) return
  const {existing, planned: mine} = taken[0]
  const theirs = existing.ref.kind === 'sso' ? existing.ref.startUrl : ''
  throw new ConfigError(
    `${taken.length === 1 ? 'The profile' : `${taken.length} profiles, among them`} ${mine.name} already belong${taken.length === 1 ? 's' : ''} to another project of the same name: start URL ${theirs}${folder(existing.projectRoot)}; this project's start URL is ${mine.ref.startUrl}${folder(projectRoot)}. Nothing was written.`,
    {
      suggestion:
        'Give one of the two projects another `project` name in config/common.tfvars, or log out of the other start URL and remove its profiles first.',
    },
  )
}

/** The names of the registry's profiles of the given start URLs (every one with `all`), sorted. */
export function profilesOf(registry: Record<string, ManagedProfile>, startUrls: 'all' | string[]): string[] {
  return Object.entries(registry)
    .filter(([, {ref}]) => startUrls === 'all' || (ref.kind === 'sso' && startUrls.includes(ref.startUrl)))
    .map(([name]) => name)
    .sort()
}

/**
 * Makes the AWS config's block and the registry agree, whatever moment an earlier run was killed at: a registry
 * entry written for this config file whose profile is not in the block is dropped, and so is a profile in the block
 * that the registry does not know (credential-process could not serve it). Also removes what dead runs left beside
 * both files (temp files, locks, lock-break markers). Returns the profile names dropped.
 */
export async function reconcileManagedProfiles(deps: {
  configFile: string
  readRegistry(): Promise<Record<string, ManagedProfile>>
  registryFile: string
  updateRegistry(change: {remove?: string[]}): Promise<unknown>
}): Promise<{leftovers: string[]; removed: string[]}> {
  const leftovers = await removeLeftovers([await resolveAwsConfigFile(deps.configFile), deps.registryFile])
  const registry = await deps.readRegistry()
  const inBlock = new Set(await managedProfileNames(deps.configFile))
  const unwritten = Object.entries(registry)
    .filter(([name, profile]) => profile.configFile === deps.configFile && !inBlock.has(name))
    .map(([name]) => name)
  if (unwritten.length > 0) await deps.updateRegistry({remove: unwritten})
  const unknown = [...inBlock].filter((name) => !Object.hasOwn(registry, name))
  if (unknown.length > 0) await editAwsConfigFile(deps.configFile, {remove: unknown})
  return {leftovers, removed: [...new Set([...unknown, ...unwritten])].sort()}
}
