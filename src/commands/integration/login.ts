import {Args, Flags} from '@oclif/core'

import {TerraceCommand} from '../../cli/base-command.js'
import {driverFor, noOwnLoginError} from '../../integrations/registry.js'
import {findIntegrationIn} from '../../integrations/store.js'
import {workspaceStore} from '../../workspace/store.js'
import {readWorkspace} from '../../workspace/workspace-file.js'

export default class IntegrationLogin extends TerraceCommand {
  static override args = {alias: Args.string({description: 'the integration', required: true})}
  static override description = `Log in to an integration's source.

aws-sso: the device flow of terrace aws sso login, for the integration's start URL and region, into the same token store: a project and an integration on one start URL share one login. Already logged in: nothing to do (--force logs in again). dynamodb: no login of its own (its source session's credentials read the table, at sync).`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> integration login corp',
    '<%= config.bin %> integration login corp --no-browser',
  ]
  static override flags = {
    force: Flags.boolean({description: 'log in again even when the current login is still valid'}),
    'no-browser': Flags.boolean({description: 'do not open a browser; print the URL and code only'}),
  }

  async run(): Promise<{alias: string; expiresAt: string}> {
    const {args, flags} = await this.parse(IntegrationLogin)
    const workspace = await readWorkspace(workspaceStore())
    const integration = findIntegrationIn(workspace, args.alias)
    const driver = driverFor(integration)
    if (!driver.login) throw noOwnLoginError(integration, workspace)
    const {expiresAt} = await driver.login(
      integration,
      {force: flags.force, noBrowser: flags['no-browser']},
      {env: process.env, log: (message) => this.logToStderr(message)},
    )
    return {alias: integration.alias, expiresAt}
  }
}
