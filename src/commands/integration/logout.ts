import {Args} from '@oclif/core'

import type {LogoutOutcome} from '../../integrations/driver.js'

import {TerraceCommand} from '../../cli/base-command.js'
import {driverFor, noOwnLoginError} from '../../integrations/registry.js'
import {servingStop, stoppedSession, stopRunning} from '../../integrations/stop-sessions.js'
import {sessionsOf, stopIntegrationSessions} from '../../integrations/store.js'
import {findIntegrationIn} from '../../integrations/sync-apply.js'
import {workspaceStore} from '../../workspace/store.js'
import {readWorkspace} from '../../workspace/workspace-file.js'

export default class IntegrationLogout extends TerraceCommand {
  static override args = {alias: Args.string({description: 'the integration', required: true})}
  static override description = `Log out of an integration's source: its active sessions are stopped and their credentials wiped.

aws-sso: the token is revoked at AWS (sso:Logout) and every credential derived from the start URL is deleted from the vault, as terrace aws sso logout does (a project using the same start URL is logged out too); the agent forgets what it held. dynamodb: no login of its own (stop its sessions with terrace session stop).`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> integration logout corp']

  async run(): Promise<LogoutOutcome & {alias: string; stopped: string[]}> {
    const {args} = await this.parse(IntegrationLogout)
    const store = workspaceStore()
    const workspace = await readWorkspace(store)
    const integration = findIntegrationIn(workspace, args.alias)
    const driver = driverFor(integration)
    if (!driver.logout) throw noOwnLoginError(integration, workspace)
    // session stop for each running one (its profile leaves the AWS config), then the workspace's leftovers
    const running = await stopRunning(sessionsOf(workspace, args.alias), servingStop(process.env, this.config.root))
    // leftovers only (a start time or mode still recorded): not counted as stopped, they were not running
    await stopIntegrationSessions(store, args.alias, stoppedSession)
    const stopped = running
    const outcome = await driver.logout(integration, {env: process.env, sessions: stopped})
    if (!this.jsonEnabled()) {
      const revoked = outcome.revoked ? 'token revoked' : `token not revoked: ${outcome.note}`
      this.logToStderr(
        `Logged out of ${integration.alias} (${revoked}); stopped ${stopped.length} session${stopped.length === 1 ? '' : 's'}; wiped ${outcome.wiped.length} vault entries.`,
      )
      for (const entry of outcome.wiped) this.logToStderr(`  - ${entry}`)
    }

    // the logout wiped the agent (its rotation schedule too): the file-mode sessions still active are not renewed
    const {fileRotationStoppedNotice} = await import('../../cli/file-rotation.js')
    const notice = await fileRotationStoppedNotice(process.env, 'wipe')
    if (notice) this.logToStderr(notice)

    if (outcome.failure) {
      process.stderr.write(`Error: ${outcome.failure.message}\n`)
      process.exitCode = outcome.failure.exitCode
    }

    return {...outcome, alias: integration.alias, stopped: stopped.map((s) => s.name)}
  }
}
