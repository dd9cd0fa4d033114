import type {Project} from '../../layers/project.js'
import type {ChainRef} from '../credentials/types.js'
import type {ChainDefinition} from './chain-definition.js'

/** The ChainRef of a stored chain: the final hop's account and role; `from` says where the chain was named. Pure. */
export function chainRef(
  name: string,
  definition: ChainDefinition,
  options: {from: null | string; project?: null | Project},
): ChainRef {
  const last = definition.hops.at(-1)!
  const account =
    Object.entries(options.project?.accounts ?? {}).find(([, info]) => info.id === last.accountId)?.[0] ?? null
  return {account, accountId: last.accountId, chain: name, kind: 'chain', role: last.role, source: options.from}
}

/** The profile name a `--chain` run gives the chain's final role (the child's default credentials). */
export const chainProfileName = (chain: string): string => `terrace-chain-${chain}`
