import {Flags} from '@oclif/core'

import type {DynamoDbIntegration} from '../../../workspace/integration.js'

import {TerraceCommand} from '../../../cli/base-command.js'
import {askMissingFlags} from '../../../cli/integration-prompts.js'
import {addDynamoDbIntegration, DYNAMODB_REQUIRED} from '../../../integrations/dynamodb/add.js'
import {workspaceStore} from '../../../workspace/store.js'

export default class IntegrationAddDynamoDb extends TerraceCommand {
  static override description = `Add a central account table in DynamoDB: each item (id, name, description, region list, role list) becomes a chained session on each sync.

The source session (usually an IAM user with MFA) reads the table and is the first hop of every chain: an item whose roles are r1, r2, r3 becomes a session of r3 stacked on sessions of r1 and r2, and starting it asks MFA once. Items going through the same first roles share those hop sessions. --mfa-serial gives an IAM user source session without an MFA device that device. Then terrace integration sync <alias> creates the sessions. Stored in TERRACE_HOME/workspace.json (no secret). A missing value is asked for on a terminal; otherwise the command exits 2 naming every missing flag.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> integration add dynamodb --alias corp --table accounts --region eu-west-1 --source-session alice',
    '<%= config.bin %> integration add dynamodb --alias corp --table accounts --region eu-west-1 --source-session alice --mfa-serial arn:aws:iam::123456789012:mfa/alice',
  ]
  static override flags = {
    alias: Flags.string({description: 'the name you give the integration (letters, digits, ".", "_", "-")'}),
    'mfa-serial': Flags.string({description: "the source session's MFA device, when it has none yet"}),
    region: Flags.string({description: "the table's region"}),
    'source-session': Flags.string({
      description: 'the session (name or id) that reads the table and starts every chain',
    }),
    table: Flags.string({description: 'the DynamoDB table name'}),
  }

  async run(): Promise<DynamoDbIntegration> {
    const {flags} = await this.parse(IntegrationAddDynamoDb)
    const input = await askMissingFlags(
      DYNAMODB_REQUIRED,
      {
        alias: flags.alias,
        mfaSerial: flags['mfa-serial'],
        region: flags.region,
        sourceSession: flags['source-session'],
        table: flags.table,
      },
      {env: process.env},
    )
    const {integration, sourceUpdated} = await addDynamoDbIntegration(workspaceStore(), input)
    if (!this.jsonEnabled()) {
      if (sourceUpdated?.type === 'aws-iam-user')
        this.log(`Session ${sourceUpdated.name} now asks MFA with ${sourceUpdated.mfaSerial}.`)
      this.log(
        `Added integration ${integration.alias} (dynamodb, table ${integration.table} in ${integration.region}). Next: terrace integration sync ${integration.alias}.`,
      )
    }

    return integration
  }
}
