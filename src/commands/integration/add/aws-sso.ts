import {Flags} from '@oclif/core'

import type {AwsSsoIntegration} from '../../../workspace/integration.js'

import {TerraceCommand} from '../../../cli/base-command.js'
import {askMissingFlags} from '../../../cli/integration-prompts.js'
import {AWS_SSO_REQUIRED, buildAwsSsoIntegration} from '../../../integrations/aws-sso/add.js'
import {addIntegration} from '../../../integrations/store.js'
import {workspaceStore} from '../../../workspace/store.js'

export default class IntegrationAddAwsSso extends TerraceCommand {
  static override description = `Add an IAM Identity Center integration: every account and role its login reaches becomes an aws-sso-role session on each sync.

It uses the SSO login of its start URL (terrace integration login, or terrace aws sso login: one login for both). Then terrace integration sync <alias> creates the sessions. Stored in TERRACE_HOME/workspace.json (no secret). A missing value is asked for on a terminal; otherwise the command exits 2 naming every missing flag.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> integration add aws-sso --alias corp --start-url https://corp.awsapps.com/start --region us-east-1',
    '<%= config.bin %> integration add aws-sso --alias corp --start-url https://corp.awsapps.com/start --region us-east-1 --default-region eu-west-1',
  ]
  static override flags = {
    alias: Flags.string({description: 'the name you give the integration (letters, digits, ".", "_", "-")'}),
    'default-region': Flags.string({description: 'the region of the sessions it creates (else the workspace default)'}),
    region: Flags.string({description: 'the region of the IAM Identity Center instance'}),
    'start-url': Flags.string({description: 'the IAM Identity Center start URL (https://…)'}),
  }

  async run(): Promise<AwsSsoIntegration> {
    const {flags} = await this.parse(IntegrationAddAwsSso)
    const input = await askMissingFlags(
      AWS_SSO_REQUIRED,
      {alias: flags.alias, defaultRegion: flags['default-region'], region: flags.region, startUrl: flags['start-url']},
      {env: process.env},
    )
    const integration = await addIntegration(workspaceStore(), () => buildAwsSsoIntegration(input))
    if (!this.jsonEnabled()) {
      this.log(
        `Added integration ${integration.alias} (aws-sso, ${integration.startUrl}). Next: terrace integration login ${integration.alias}, then terrace integration sync ${integration.alias}.`,
      )
    }

    return integration
  }
}
