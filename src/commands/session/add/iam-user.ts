import {Flags} from '@oclif/core'

import type {Session} from '../../../workspace/session.js'

import {TerraceCommand} from '../../../cli/base-command.js'
import {sessionAddFlags} from '../../../cli/session-flags.js'
import {addSession} from '../../../workspace/session-service.js'
import {workspaceStore} from '../../../workspace/store.js'

export default class SessionAddIamUser extends TerraceCommand {
  static override description = `Add an aws-iam-user session: an IAM user, optionally with an MFA device.

The session definition is stored in TERRACE_HOME/workspace.json (no secret). Storing the user's access keys in the vault is not part of this command yet.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> session add iam-user --name alice --mfa-serial arn:aws:iam::222222222222:mfa/alice --region eu-west-1',
  ]
  static override flags = {
    ...sessionAddFlags,
    'mfa-serial': Flags.string({description: "the MFA device's ARN (arn:aws:iam::<account id>:mfa/<name>)"}),
  }

  async run(): Promise<Session> {
    const {flags} = await this.parse(SessionAddIamUser)
    const session = await addSession(workspaceStore(), 'aws-iam-user', {
      mfaSerial: flags['mfa-serial'],
      name: flags.name,
      profile: flags.profile,
      region: flags.region,
    })
    if (!this.jsonEnabled()) this.log(`Added session ${session.name} (aws-iam-user, profile ${session.profile}).`)
    return session
  }
}
