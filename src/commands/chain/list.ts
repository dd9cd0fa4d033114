import {type ChainListing, formatChain, listChains} from '../../auth/chains/chain-add.js'
import {TerraceCommand} from '../../cli/base-command.js'
import {homePaths} from '../../lib/paths.js'

export default class ChainList extends TerraceCommand {
  static override description = `List the role chains (TERRACE_HOME/config/chains.json): source, hops in order, final role.`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> chain list', '<%= config.bin %> chain list --json']

  async run(): Promise<{chains: ChainListing[]}> {
    await this.parse(ChainList)
    const chains = await listChains(homePaths(process.env).config)
    if (!this.jsonEnabled()) {
      if (chains.length === 0) this.log('No role chains. Add one with `terrace chain add`.')
      for (const chain of chains) this.log(formatChain(chain).join('\n'))
    }

    return {chains}
  }
}
