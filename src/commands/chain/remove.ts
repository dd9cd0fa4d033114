import {Args} from '@oclif/core'

import {removeChain} from '../../auth/chains/chain-add.js'
import {MAX_HOPS} from '../../auth/chains/chain-definition.js'
import {deleteChainEntries} from '../../auth/chains/hop-cache.js'
import {TerraceCommand} from '../../cli/base-command.js'
import {homePaths} from '../../lib/paths.js'

export default class ChainRemove extends TerraceCommand {
  static override args = {name: Args.string({description: 'the chain to remove', required: true})}
  static override description = `Remove a role chain, and the credentials terrace cached for it in the vault.`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> chain remove ops']

  async run(): Promise<{cachedEntriesDeleted: null | number; removed: string}> {
    const {args} = await this.parse(ChainRemove)
    const {env} = process
    await removeChain(homePaths(env).config, args.name)
    let deleted: null | number = null
    try {
      const {createAuthServices} = await import('../../auth/services.js')
      const services = await createAuthServices({env})
      deleted = await deleteChainEntries(services.store, args.name, MAX_HOPS)
    } catch {
      // the vault could not be opened: the cached credentials left there expire within the hour
    }

    if (!this.jsonEnabled()) {
      const cache =
        deleted === null ? ' (the vault could not be opened: its cached credentials expire by themselves)' : ''
      this.log(`Removed chain ${args.name}${cache}.`)
    }

    return {cachedEntriesDeleted: deleted, removed: args.name}
  }
}
