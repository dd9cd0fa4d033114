import {Args, Flags} from '@oclif/core'

import {TerraceCommand} from '../../cli/base-command.js'
import {removeIntegration, type RemoveResult} from '../../integrations/store.js'
import {removeSyncRecord} from '../../integrations/sync-record.js'
import {workspaceStore} from '../../workspace/store.js'

export default class IntegrationRemove extends TerraceCommand {
  static override args = {alias: Args.string({description: 'the integration', required: true})}
  static override description = `Remove an integration and its sessions (stopped first, with the sessions chained on them).

--keep-sessions keeps its sessions as sessions of your own (no longer synced). The SSO login stays: terrace integration logout (or terrace aws sso logout) ends it.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> integration remove corp',
    '<%= config.bin %> integration remove corp --keep-sessions',
  ]
  static override flags = {
    'keep-sessions': Flags.boolean({description: 'keep its sessions, as sessions of your own'}),
  }

  async run(): Promise<RemoveResult> {
    const {args, flags} = await this.parse(IntegrationRemove)
    const result = await removeIntegration(workspaceStore(), args.alias, {keepSessions: flags['keep-sessions']})
    await removeSyncRecord(process.env, args.alias)
    if (!this.jsonEnabled()) {
      const stopped = result.removed.filter((s) => s.status !== 'inactive').length
      this.log(
        flags['keep-sessions']
          ? `Removed integration ${args.alias}; kept its ${result.kept.length} sessions as your own.`
          : `Removed integration ${args.alias} and its ${result.removed.length} sessions${stopped > 0 ? ` (${stopped} stopped first)` : ''}.`,
      )
    }

    return result
  }
}
