import type {ChainProject, ChainRef, ProfileBinding} from '../lib/role-refs.js'
import type {Project} from './project.js'

import {projectSso} from './profile-bindings.js'

/** A stored chain as far as binding it goes: its hops, the last one being the role the child gets. */
export interface ChainHops {
  hops: ReadonlyArray<{accountId: string; role: string}>
}

/** The ChainRef of a stored chain: the final hop's account and role; `from` says where the chain was named. Pure. */
export function chainRef(
  name: string,
  chain: ChainHops,
  options: {from: null | string; project?: null | Project},
): ChainRef {
  const last = chain.hops.at(-1)!
  const account =
    Object.entries(options.project?.accounts ?? {}).find(([, info]) => info.id === last.accountId)?.[0] ?? null
  return {account, accountId: last.accountId, chain: name, kind: 'chain', role: last.role, source: options.from}
}

/** The profile name a `--chain` run gives the chain's final role (the child's default credentials). */
export const chainProfileName = (chain: string): string => `terrace-chain-${chain}`

/** What `terrace chain add` resolves its flags against (account names → ids, the SSO portal), from the project. */
export function chainProject(project: Project): ChainProject {
  return {
    accountIds: Object.fromEntries(Object.entries(project.accounts).map(([name, info]) => [name, info.id])),
    name: project.common.project,
    sso: () => projectSso(project),
  }
}

/** Profiles of an account that terrace.json maps to a chain get the chain's final role instead. Pure. */
export function withAccountChains(
  bindings: ProfileBinding[],
  defaultBinding: null | ProfileBinding,
  accountChains: Record<string, ChainRef>,
): {bindings: ProfileBinding[]; defaultBinding: null | ProfileBinding} {
  const swap = (binding: ProfileBinding): ProfileBinding => {
    const {account} = binding.ref
    const chain = account !== null && Object.hasOwn(accountChains, account) ? accountChains[account] : undefined
    return chain && binding.ref.kind !== 'chain' ? {name: binding.name, ref: chain} : binding
  }

  return {
    bindings: bindings.map((binding) => swap(binding)),
    defaultBinding: defaultBinding ? swap(defaultBinding) : null,
  }
}
