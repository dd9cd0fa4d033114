import {Args, Flags} from '@oclif/core'

import {TerraceCommand} from '../../cli/base-command.js'
import {removeSession} from '../../workspace/session-service.js'
import {workspaceStore} from '../../workspace/store.js'

export default class SessionRemove extends TerraceCommand {
  static override args = {name: Args.string({description: 'the session (its name or id)', required: true})}
  static override description = `Remove a session from the workspace.

A session that is the parent of chained sessions is refused (exit 2) unless --with-children, which removes them too.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> session remove alice',
    '<%= config.bin %> session remove alice --with-children',
  ]
  static override flags = {
    'with-children': Flags.boolean({description: 'also remove the sessions chained on it, at any depth'}),
  }

  async run(): Promise<{removed: string[]}> {
    const {args, flags} = await this.parse(SessionRemove)
    const removed = await removeSession(workspaceStore(), args.name, {withChildren: flags['with-children']})
    const names = removed.map((session) => session.name)
    if (!this.jsonEnabled()) this.log(`Removed ${names.length === 1 ? 'session' : 'sessions'} ${names.join(', ')}.`)
    return {removed: names}
  }
}
