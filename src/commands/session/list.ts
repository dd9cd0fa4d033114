import {Flags} from '@oclif/core'

import type {ListedSession} from '../../workspace/listed-session.js'

import {TerraceCommand} from '../../cli/base-command.js'
import {listSessions} from '../../workspace/session-service.js'
import {formatSessionTable} from '../../workspace/session-table.js'
import {workspaceStore} from '../../workspace/store.js'

export default class SessionList extends TerraceCommand {
  static override description = `List the workspace's sessions: name, type, account, role, profile, region, status, expires.

Expires: when an active session's current credentials expire ("in 42m", "expired"; "-" when inactive or not known yet), from a record terrace keeps when it obtains them (no secret; the vault is not opened). --json gives it as expiresAt (ISO), and renewal: why terrace's agent cannot renew a file-mode session's keys (null when it can).

A session without its own region shows the workspace default region. --filter matches any field, ignoring case.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> session list',
    '<%= config.bin %> session list --type sso-role --filter prod',
    '<%= config.bin %> session list --status active --json',
  ]
  static override flags = {
    filter: Flags.string({description: 'only sessions with a field containing this text'}),
    status: Flags.string({description: 'only sessions of this status: inactive, pending, active'}),
    type: Flags.string({description: 'only sessions of this type: sso-role, iam-user, chained (or the full type)'}),
  }

  async run(): Promise<{defaultRegion: null | string; sessions: ListedSession[]}> {
    const {flags} = await this.parse(SessionList)
    const {defaultRegion, sessions, workspace} = await listSessions(workspaceStore(), {
      status: flags.status,
      text: flags.filter,
      type: flags.type,
    })
    if (!this.jsonEnabled()) {
      if (workspace.sessions.length === 0) this.log('No sessions. Add one with `terrace session add`.')
      else if (sessions.length === 0) this.log('No session matches.')
      else process.stdout.write(formatSessionTable(sessions, defaultRegion, Date.now()))
    }

    return {defaultRegion, sessions}
  }
}
