import {Flags} from '@oclif/core'

import {TerraceCommand} from '../../cli/base-command.js'
import {runWrappedArgv, wrapperFlags, wrapperUsage} from '../../cli/wrapped-command.js'

export default class Aws extends TerraceCommand {
  static '--' = false
  /** --debug is the AWS CLI's own (it passes through, and also shows terrace's stack traces): not in this help */
  static override baseFlags = {debug: Flags.boolean({hidden: true})}
  static override description = `Run the AWS CLI (passthrough).

Every argument goes to the AWS CLI verbatim (TERRACE_AWS_BIN, else aws on PATH). Only "aws sso login|logout|status|refresh" and "aws configure sso" are terrace's own commands; every other aws subcommand, including "aws sso list-accounts" and "aws configure list", passes through untouched. For the AWS CLI's own help, run "terrace aws help".

In a project the AWS CLI gets the layer's role (or --profile's) through a renewing loopback endpoint and the layer's profiles through a private generated config, so "--profile <name>" after the subcommand works too. Terrace's own --profile and --credentials go before the first aws argument. --debug anywhere is the AWS CLI's own and also adds stack traces to terrace's failures (as TERRACE_DEBUG=1 does).`
  static override examples = [
    '<%= config.bin %> aws sts get-caller-identity',
    '<%= config.bin %> aws s3 ls --region us-east-1',
    '<%= config.bin %> aws sso list-accounts --access-token …',
    '<%= config.bin %> aws configure list',
  ]
  static override flags = wrapperFlags('aws')
  static override strict = false
  static override usage = wrapperUsage('aws', '<aws arguments…>')

  async run(): Promise<void> {
    await this.parse(Aws, [])
    process.exitCode = await runWrappedArgv('aws', this.argv)
  }
}
