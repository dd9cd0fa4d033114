import {Args, Flags} from '@oclif/core'

import {TerraceCommand} from '../../cli/base-command.js'
import {removeSessionAndSecrets} from '../../workspace/remove-with-secrets.js'
import {workspaceStore} from '../../workspace/store.js'

export default class SessionRemove extends TerraceCommand {
  static override args = {name: Args.string({description: 'the session (its name or id)', required: true})}
  static override description = `Remove a session from the workspace, and its secrets from the vault.

An active session is stopped first. Its access keys and cached credentials are deleted from the vault. A session that is the parent of chained sessions is refused (exit 2) unless --with-children, which removes them too.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> session remove alice',
    '<%= config.bin %> session remove alice --with-children',
  ]
  static override flags = {
    'with-children': Flags.boolean({description: 'also remove the sessions chained on it, at any depth'}),
  }

  async run(): Promise<{deletedEntries: number; removed: string[]}> {
    const {args, flags} = await this.parse(SessionRemove)
    const {env} = process
    const {root} = this.config
    const {deletedEntries, removed} = await removeSessionAndSecrets(
      {
        async stop(session) {
          const [{serveDeps}, {stopSession}, {unregisterFileRotation}] = await Promise.all([
            import('../../cli/session-credentials.js'),
            import('../../workspace/session-serving.js'),
            import('../../cli/file-rotation.js'),
          ])
          const stopped = await stopSession(serveDeps(env, root), session.id)
          if (stopped.stopped && stopped.session.mode === 'file') await unregisterFileRotation(env, [session.id])
          return stopped
        },
        async vault() {
          const {createAuthServices} = await import('../../auth/services.js')
          return (await createAuthServices({env})).store
        },
        workspace: workspaceStore(env),
      },
      args.name,
      {withChildren: flags['with-children']},
    )
    const names = removed.map((session) => session.name)
    if (!this.jsonEnabled()) {
      this.log(`Removed ${names.length === 1 ? 'session' : 'sessions'} ${names.join(', ')}.`)
      if (deletedEntries.length > 0) this.log(`Deleted ${deletedEntries.length} vault entries of theirs.`)
    }

    return {deletedEntries: deletedEntries.length, removed: names}
  }
}
