import {TerraceCommand} from '../cli/base-command.js'
import {runWrappedArgv, wrapperFlags, wrapperUsage} from '../cli/wrapped-command.js'

export default class Exec extends TerraceCommand {
  static '--' = false
  static override description = `Run any command, with the terminal, signals and exit code passed through.

Everything after "--" (or after terrace's own options) is the command and its arguments, verbatim. Inside a project the command gets the layer's role (or, from an account folder, the account's; or --profile's) through a renewing loopback endpoint, and every project profile through a private generated AWS_CONFIG_FILE; static AWS keys and AWS_PROFILE are removed from its environment. Outside a project it runs with your own environment unless --profile names a profile written by terrace aws configure sso. --credentials env exports static keys instead (not renewable).`
  static override examples = [
    '<%= config.bin %> exec -- aws sts get-caller-identity',
    '<%= config.bin %> exec -- terragrunt plan',
    "<%= config.bin %> exec -- sh -c 'env | grep ^AWS_'",
  ]
  static override flags = wrapperFlags('exec')
  static override strict = false
  static override usage = wrapperUsage('exec', '-- <command> [arguments…]')

  async run(): Promise<void> {
    await this.parse(Exec, [])
    process.exitCode = await runWrappedArgv('exec', this.argv)
  }
}
