/**
 * What the delivery plan needs to know about chains for one run: `--chain NAME` or `--session NAME` (the child's
 * default credentials) and terrace.json's `chains` (account name → chain: that account's profiles use the chain's final role). Reads
 * chains.json only when one of them names a chain.
 */
import type {ProjectWithSettings} from '../../layers/profile-bindings.js'
import type {ChainRef, ProfileBinding, SessionRef} from '../../lib/role-refs.js'

import {readChain} from '../../auth/chains/chain-store.js'
import {chainProfileName, chainRef} from '../../layers/chain-bindings.js'
import {homePaths} from '../../lib/paths.js'

export interface ChainPlanInput {
  accountChains: Record<string, ChainRef>
  /** `--chain`'s or `--session`'s binding: the child's default credentials */
  chain: null | ProfileBinding<ChainRef | SessionRef>
  /** `--session`: the session's region (else the workspace default); null otherwise */
  defaultRegion?: null | string
}

export async function chainPlanInput(options: {
  chain: null | string
  env: NodeJS.ProcessEnv
  /** with its terrace.json settings (loaded with the project) */
  project: null | ProjectWithSettings
  /** `--session` */
  session?: null | string
}): Promise<ChainPlanInput> {
  const {project} = options
  const settings = project?.settings ?? null
  const mapped = Object.entries(settings?.chains ?? {})
  const result: ChainPlanInput = {accountChains: {}, chain: null}
  if (options.session) {
    const {sessionBinding} = await import('../../workspace/session-binding.js')
    const {binding, region} = await sessionBinding(options.env, options.session)
    result.chain = binding
    result.defaultRegion = region
  }

  if (options.chain === null && mapped.length === 0) return result
  const configDir = homePaths(options.env).config
  if (options.chain !== null) {
    const definition = await readChain(configDir, options.chain, '--chain')
    result.chain = {
      name: chainProfileName(options.chain),
      ref: chainRef(options.chain, definition, {from: '--chain', project}),
    }
  }

  for (const [account, name] of mapped) {
    const from = settings?.file ?? 'terrace.json'
    const definition = await readChain(configDir, name, from)
    result.accountChains[account] = chainRef(name, definition, {from, project})
  }

  return result
}
