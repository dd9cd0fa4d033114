import {Args} from '@oclif/core'

import type {RotateResult} from '../../cli/session-rotate.js'

import {TerraceCommand} from '../../cli/base-command.js'

export default class SessionRotate extends TerraceCommand {
  static override args = {name: Args.string({description: 'the session (its name or id)', required: true})}
  static override description = `Rotate a session's credentials: drop the cached ones and obtain fresh ones now.

An IAM user session gets a new GetSessionToken session (an MFA code is asked when it has a device); a chained session a new AssumeRole of its own role (its parent's credentials are reused while valid); an SSO role session new role credentials. Tools using an active session get the new credentials on their next ask.

When terrace's agent runs it obtains them (and serves them from then on); when it cannot (an MFA code is needed), they are obtained here. A session started with --mode file gets the new keys in the credentials file at once, and the agent's next rotation is moved to them.`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> session rotate alice']

  async run(): Promise<RotateResult> {
    const {args} = await this.parse(SessionRotate)
    const {rotateSessionNow} = await import('../../cli/session-rotate.js')
    const result = await rotateSessionNow(process.env, this.config.root, args.name)
    if (!this.jsonEnabled()) {
      this.log(`Rotated session ${result.session.name}: new credentials, handed out until ${result.expiresAt}.`)
      if (result.delivered)
        this.log(
          `  New keys written to the credentials file${result.nextAt ? `; terrace's agent rotates them next at ${result.nextAt}` : ''}.`,
        )
    }

    return result
  }
}
