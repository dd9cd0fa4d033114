import {Flags} from '@oclif/core'

import type {Session} from '../../../workspace/session.js'

import {TerraceCommand} from '../../../cli/base-command.js'
import {sessionAddFlags} from '../../../cli/session-flags.js'
import {askMissing} from '../../../cli/session-prompts.js'
import {addSession} from '../../../workspace/session-service.js'
import {workspaceStore} from '../../../workspace/store.js'

export default class SessionAddSsoRole extends TerraceCommand {
  static override description = `Add an aws-sso-role session: a role of an account reached through an IAM Identity Center login.

It uses the SSO login of its start URL, the same token a project uses. The session is stored in TERRACE_HOME/workspace.json (no secret) and is inactive until started. A missing value is asked for on a terminal; otherwise the command exits 2 naming every missing flag.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> session add sso-role --name shared-admin --start-url https://example.awsapps.com/start --sso-region us-east-1 --account-id 111111111111 --role Administrator',
  ]
  static override flags = {
    ...sessionAddFlags,
    'account-id': Flags.string({description: 'the 12-digit account id'}),
    'account-name': Flags.string({description: 'the account name shown by session list'}),
    role: Flags.string({description: 'the permission set (role) name'}),
    'sso-region': Flags.string({description: 'the region of the IAM Identity Center instance'}),
    'start-url': Flags.string({description: 'the IAM Identity Center start URL (https://…)'}),
  }

  async run(): Promise<Session> {
    const {flags} = await this.parse(SessionAddSsoRole)
    const input = await askMissing(
      'aws-sso-role',
      {
        accountId: flags['account-id'],
        accountName: flags['account-name'],
        name: flags.name,
        profile: flags.profile,
        region: flags.region,
        role: flags.role,
        ssoRegion: flags['sso-region'],
        startUrl: flags['start-url'],
      },
      {env: process.env},
    )
    const session = await addSession(workspaceStore(), 'aws-sso-role', input)
    if (!this.jsonEnabled()) this.log(`Added session ${session.name} (aws-sso-role, profile ${session.profile}).`)
    return session
  }
}
