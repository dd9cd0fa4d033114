import {Args, Flags} from '@oclif/core'

import type {Session} from '../../workspace/session.js'

import {TerraceCommand} from '../../cli/base-command.js'
import {editSession} from '../../workspace/session-service.js'
import {workspaceStore} from '../../workspace/store.js'

export default class SessionEdit extends TerraceCommand {
  static override args = {name: Args.string({description: 'the session (its name or id)', required: true})}
  static override description = `Rename a session, or change its region or profile. Its id stays, so chained sessions keep their parent.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> session edit alice --name alice-prod',
    '<%= config.bin %> session edit ops --region us-east-2 --profile ops',
  ]
  static override flags = {
    name: Flags.string({description: 'the new name'}),
    profile: Flags.string({description: 'the new profile'}),
    region: Flags.string({description: 'the new region'}),
  }

  async run(): Promise<Session> {
    const {args, flags} = await this.parse(SessionEdit)
    const session = await editSession(workspaceStore(), args.name, flags)
    if (!this.jsonEnabled()) {
      this.log(
        `Session ${session.name}: profile ${session.profile}, region ${session.region ?? '(workspace default)'}.`,
      )
    }

    return session
  }
}
