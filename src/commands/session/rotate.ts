import {Args} from '@oclif/core'

import type {Session} from '../../workspace/session.js'

import {TerraceCommand} from '../../cli/base-command.js'

export default class SessionRotate extends TerraceCommand {
  static override args = {name: Args.string({description: 'the session (its name or id)', required: true})}
  static override description = `Rotate a session's credentials: drop the cached ones and obtain fresh ones now.

An IAM user session gets a new GetSessionToken session (an MFA code is asked when it has a device); a chained session a new AssumeRole of its own role (its parent's credentials are reused while valid); an SSO role session new role credentials. Tools using an active session get the new credentials on their next ask.`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> session rotate alice']

  async run(): Promise<{expiresAt: string; session: Session}> {
    const {args} = await this.parse(SessionRotate)
    const [{serveDeps}, {rotateSession}] = await Promise.all([
      import('../../cli/session-credentials.js'),
      import('../../workspace/session-serving.js'),
    ])
    const result = await rotateSession(serveDeps(process.env, this.config.root), args.name)
    if (!this.jsonEnabled()) {
      this.log(`Rotated session ${result.session.name}: new credentials, handed out until ${result.expiresAt}.`)
    }

    return result
  }
}
