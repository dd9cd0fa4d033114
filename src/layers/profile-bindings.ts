import type {IamRoleRef, ProfileBinding, RoleRef, SsoRoleRef} from '../lib/role-refs.js'
import type {Project} from './project.js'
import type {ProjectSettings} from './settings.js'
import type {LayerContext} from './types.js'

import {ConfigError} from '../lib/errors.js'
import {isMfaProject} from './settings.js'

/** A project; its settings (terrace.json, build.env) come with it from loadProjectAt, and are optional for hand-built ones. */
export type ProjectWithSettings = Project & {settings?: ProjectSettings}

/** The role an MFA project assumes in an account: terrace.json "roles", else the account's sso_role, else DevOps. */
export function iamRoleFor(project: ProjectWithSettings, account: null | string): string {
  const fromSettings = account !== null && project.settings ? project.settings.roles[account] : undefined
  return fromSettings ?? (account === null ? null : project.accounts[account]?.ssoRole) ?? 'DevOps'
}

/** True when the project's roles are reached from its IAM user with MFA (see isMfaProject). */
export const usesIamUser = (project: ProjectWithSettings): boolean =>
  project.settings !== undefined && isMfaProject(project.settings, project.common)

function iamRef(project: ProjectWithSettings, account: null | string, accountId: string): IamRoleRef {
  const {settings} = project
  const dir = account === null ? null : project.accounts[account]?.dir
  const role = iamRoleFor(project, account)
  const fromSettings = account !== null && settings?.file && Object.hasOwn(settings.roles, account)
  return {
    account,
    accountId,
    kind: 'iam',
    project: project.common.project,
    role,
    source: fromSettings ? settings!.file : dir ? `${dir}/config/account.tfvars` : project.commonFile,
    userType: settings?.iamUser ?? 'security',
  }
}

/** The SSO portal a project logs in to; ConfigError (exit 4) when common.tfvars lacks it. */
export function projectSso(project: Project): {ssoRegion: string; startUrl: string} {
  const startUrl = project.common.ssoStartUrl
  const ssoRegion = project.common.ssoRegion ?? project.common.regionPrimary ?? project.common.region
  if (!startUrl || !ssoRegion) {
    throw new ConfigError(`${project.commonFile} has no ${startUrl ? 'sso_region' : 'sso_start_url'}.`, {
      suggestion: 'Add sso_start_url and sso_region to config/common.tfvars.',
    })
  }

  return {ssoRegion, startUrl}
}

/** The conventional profile name: `<project>-<account>-<role lowercased>` (e.g. bb-apps-devstg-devops). */
export const profileName = (project: string, account: string, role: string): string =>
  `${project}-${account}-${role.toLowerCase()}`

/**
 * Every (account, role) the project uses: each account with an id and an sso_role, named as the project names its
 * profiles. Accounts lacking either are left out (layer info warns about them).
 */
export function projectBindings(project: Project): ProfileBinding<SsoRoleRef>[] {
  const sso = projectSso(project)
  const bindings: ProfileBinding<SsoRoleRef>[] = []
  for (const [account, info] of Object.entries(project.accounts).sort(([a], [b]) => a.localeCompare(b))) {
    if (!info.id || !info.ssoRole) continue
    bindings.push({
      name: profileName(project.common.project, account, info.ssoRole),
      ref: {
        account,
        accountId: info.id,
        kind: 'sso',
        role: info.ssoRole,
        source: info.dir ? `${info.dir}/config/account.tfvars` : project.commonFile,
        ...sso,
      },
    })
  }

  return bindings
}

/** Every (account, role) the project uses, through SSO or, in an MFA project, from its IAM user. */
export function projectRoleBindings(project: ProjectWithSettings): ProfileBinding<RoleRef>[] {
  return usesIamUser(project) ? iamProjectBindings(project) : projectBindings(project)
}

/** MFA projects: every account with an id, bound to its role assumed from the project's IAM user. */
function iamProjectBindings(project: ProjectWithSettings): ProfileBinding<IamRoleRef>[] {
  const bindings: ProfileBinding<IamRoleRef>[] = []
  for (const [account, info] of Object.entries(project.accounts).sort(([a], [b]) => a.localeCompare(b))) {
    if (!info.id) continue
    const ref = iamRef(project, account, info.id)
    bindings.push({name: profileName(project.common.project, account, ref.role), ref})
  }

  return bindings
}

/** MFA projects: the layer's profiles bound to roles assumed from the project's IAM user. */
function iamLayerBindings(
  context: LayerContext,
  project: ProjectWithSettings,
): {bindings: ProfileBinding[]; own: null | ProfileBinding} {
  const bindings: ProfileBinding[] = []
  for (const profile of context.profiles) {
    if (!profile.accountId) continue
    bindings.push({name: profile.name, ref: iamRef(project, profile.account, profile.accountId)})
  }

  const own = bindings.find((b) => b.name === context.backendProfile) ?? bindings[0] ?? null
  if (!own && context.accountId && context.account) {
    const ref = iamRef(project, context.account, context.accountId)
    const fallback: ProfileBinding = {name: profileName(project.common.project, context.account, ref.role), ref}
    return {bindings: [fallback], own: fallback}
  }

  return {bindings, own}
}

/**
 * The profiles a layer's code names, each bound to its role, with the layer's own (backend) profile first.
 * Profiles naming no known account have no binding (layer info lists them with a warning).
 */
export function layerBindings(
  context: LayerContext,
  project: ProjectWithSettings,
): {bindings: ProfileBinding[]; own: null | ProfileBinding} {
  if (usesIamUser(project)) return iamLayerBindings(context, project)
  const sso = projectSso(project)
  const bindings: ProfileBinding[] = []
  for (const profile of context.profiles) {
    if (!profile.accountId || !profile.role) continue
    const dir = profile.account ? project.accounts[profile.account]?.dir : null
    const ref: SsoRoleRef = {
      account: profile.account,
      accountId: profile.accountId,
      kind: 'sso',
      role: profile.role,
      source: dir ? `${dir}/config/account.tfvars` : project.commonFile,
      ...sso,
    }
    bindings.push({name: profile.name, ref})
  }

  const own = bindings.find((b) => b.name === context.backendProfile) ?? bindings[0] ?? null
  if (!own && context.accountId && context.role && context.account) {
    const fallback: ProfileBinding = {
      name: profileName(project.common.project, context.account, context.role),
      ref: {
        account: context.account,
        accountId: context.accountId,
        kind: 'sso',
        role: context.role,
        source: project.accounts[context.account]?.dir ?? project.commonFile,
        ...sso,
      },
    }
    return {bindings: [fallback], own: fallback}
  }

  return {bindings, own}
}
