import {TerraceCommand} from '../../cli/base-command.js'

export default class Aws extends TerraceCommand {
  static '--' = false
  static override description = `Run the AWS CLI (passthrough).

Every argument goes to the AWS CLI verbatim (TERRACE_AWS_BIN, else aws on PATH). Only "aws sso login|logout|status|refresh" and "aws configure sso" are terrace's own commands; every other aws subcommand, including "aws sso list-accounts" and "aws configure list", passes through untouched. For the AWS CLI's own help, run "terrace aws help".`
  static override examples = [
    '<%= config.bin %> aws sts get-caller-identity',
    '<%= config.bin %> aws s3 ls --region us-east-1',
    '<%= config.bin %> aws sso list-accounts --access-token …',
    '<%= config.bin %> aws configure list',
  ]
  static override strict = false
  static override usage = '<%= command.id %> <aws arguments…>'

  async run(): Promise<void> {
    await this.parse(Aws, [])
    const [{runWrapped}, {defaultWrapDeps}] = await Promise.all([
      import('../../runner/wrap-service.js'),
      import('../../runner/default-deps.js'),
    ])
    process.exitCode = await runWrapped('aws', this.argv, defaultWrapDeps())
  }
}
