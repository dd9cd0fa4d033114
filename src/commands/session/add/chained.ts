import {Flags} from '@oclif/core'

import type {Session} from '../../../workspace/session.js'

import {TerraceCommand} from '../../../cli/base-command.js'
import {sessionAddFlags} from '../../../cli/session-flags.js'
import {askMissing} from '../../../cli/session-prompts.js'
import {addSession} from '../../../workspace/session-service.js'
import {workspaceStore} from '../../../workspace/store.js'

export default class SessionAddChained extends TerraceCommand {
  static override description = `Add an aws-iam-role-chained session: a role assumed with the credentials of a parent session.

The parent may be any session, a chained one included, so chains can have any length. Removing the parent later needs --with-children. A missing value is asked for on a terminal; otherwise the command exits 2 naming every missing flag.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> session add chained --name ops --parent alice --role-arn arn:aws:iam::333333333333:role/DevOps',
  ]
  static override flags = {
    ...sessionAddFlags,
    'external-id': Flags.string({description: 'the external id the role trust policy asks for'}),
    parent: Flags.string({description: 'the parent session (its name or id)'}),
    'role-arn': Flags.string({description: 'the role to assume: arn:aws:iam::<account id>:role/<name>'}),
    'role-session-name': Flags.string({description: 'the RoleSessionName of the AssumeRole call'}),
  }

  async run(): Promise<Session> {
    const {flags} = await this.parse(SessionAddChained)
    const input = await askMissing(
      'aws-iam-role-chained',
      {
        externalId: flags['external-id'],
        name: flags.name,
        parent: flags.parent,
        profile: flags.profile,
        region: flags.region,
        roleArn: flags['role-arn'],
        roleSessionName: flags['role-session-name'],
      },
      {env: process.env},
    )
    const session = await addSession(workspaceStore(), 'aws-iam-role-chained', input)
    if (!this.jsonEnabled()) {
      this.log(`Added session ${session.name} (aws-iam-role-chained, profile ${session.profile}).`)
    }

    return session
  }
}
