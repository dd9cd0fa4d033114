import {Args, Flags} from '@oclif/core'

import {TerraceCommand} from '../../cli/base-command.js'
import {servingStop, stopRunning} from '../../integrations/stop-sessions.js'
import {findIntegrationIn, removeIntegration, type RemoveResult, sessionsOf} from '../../integrations/store.js'
import {removeSyncRecord} from '../../integrations/sync-record.js'
import {descendants} from '../../workspace/session-service.js'
import {workspaceStore} from '../../workspace/store.js'
import {readWorkspace} from '../../workspace/workspace-file.js'

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
    const store = workspaceStore()
    if (!flags['keep-sessions']) {
      // its running sessions (and those chained on them) are stopped by session stop before they go
      const workspace = await readWorkspace(store)
      findIntegrationIn(workspace, args.alias)
      const ids = new Set(sessionsOf(workspace, args.alias).map((s) => s.id))
      for (const session of workspace.sessions)
        if (ids.has(session.id)) for (const child of descendants(workspace, session.id)) ids.add(child.id)
      await stopRunning(
        workspace.sessions.filter((s) => ids.has(s.id)),
        servingStop(process.env, this.config.root),
      )
    }

    const result = await removeIntegration(store, args.alias, {keepSessions: flags['keep-sessions']})
    await removeSyncRecord(process.env, args.alias)
    if (!this.jsonEnabled()) {
      this.log(
        flags['keep-sessions']
          ? `Removed integration ${args.alias}; kept its ${result.kept.length} sessions as your own.`
          : `Removed integration ${args.alias} and its ${result.removed.length} sessions (those running were stopped first).`,
      )
    }

    return result
  }
}
