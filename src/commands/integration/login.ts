import {Args, Flags} from '@oclif/core'

import {TerraceCommand} from '../../cli/base-command.js'
import {driverFor} from '../../integrations/registry.js'
import {findIntegration} from '../../integrations/store.js'
import {UsageError} from '../../lib/errors.js'
import {workspaceStore} from '../../workspace/store.js'

export default class IntegrationLogin extends TerraceCommand {
  static override args = {alias: Args.string({description: 'the integration', required: true})}
  static override description = `Log in to an integration's source.

aws-sso: the device flow of terrace aws sso login, for the integration's start URL and region, into the same token store: a project and an integration on one start URL share one login. Already logged in: nothing to do (--force logs in again).`
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
    const integration = await findIntegration(workspaceStore(), args.alias)
    const driver = driverFor(integration)
    if (!driver.login) throw new UsageError(`A ${integration.type} integration has no login of its own.`)
    const {expiresAt} = await driver.login(
      integration,
      {force: flags.force, noBrowser: flags['no-browser']},
      {env: process.env, log: (message) => this.logToStderr(message)},
    )
    return {alias: integration.alias, expiresAt}
  }
}
