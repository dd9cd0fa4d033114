import type {Project} from '../../layers/project.js'
import type {LayerContext} from '../../layers/types.js'
import type {ProfileBinding, SsoRoleRef} from './types.js'

import {ConfigError} from '../../lib/errors.js'

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

/**
 * The profiles a layer's code names, each bound to its role, with the layer's own (backend) profile first.
 * Profiles naming no known account have no binding (layer info lists them with a warning).
 */
export function layerBindings(
  context: LayerContext,
  project: Project,
): {bindings: ProfileBinding[]; own: null | ProfileBinding} {
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
