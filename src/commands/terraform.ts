import {TerraceCommand} from '../cli/base-command.js'
import {runWrappedArgv, wrapperFlags, wrapperUsage} from '../cli/wrapped-command.js'

export default class Terraform extends TerraceCommand {
  static '--' = false
  static override aliases = ['tf']
  static override description = `Run terraform in the current layer with the project's var files and backend config.

terrace finds the project from the current folder and runs terraform there, with the terminal, signals and exit code as if you had called terraform yourself. It adds -backend-config=<account>/config/backend.tfvars to init and -var-file= for each config/*.tfvars of the project and the account to plan, apply (unless applying a saved plan), destroy, import, refresh and console, right after the subcommand, so your own -var-file wins. output, show, state, validate and the rest get nothing added; version and fmt work outside a project.

Credentials: terraform gets the layer's role through a loopback endpoint only it can use (AWS_CONTAINER_CREDENTIALS_FULL_URI), renewed while it runs, and every other profile the layer names through a private generated AWS_CONFIG_FILE; your own AWS_PROFILE, static keys and ~/.aws files are hidden from it. The login is checked before anything runs (exit 5: run terrace aws sso login). version, fmt, validate and providers run without credentials or a login. --credentials env exports static keys instead (not renewable: for tools that read nothing else).

terrace's options come before terraform's first argument, where an option terrace does not know is an error (exit 2). --bin, --layers, --credentials, --profile, --mfa-code and --debug, names terraform never uses, are terrace's wherever they stand (terrace tf plan --profile NAME). Every other argument after the subcommand is terraform's, --json, -json and --help included (terrace tf output --json).`
  static override examples = [
    '<%= config.bin %> tf init',
    '<%= config.bin %> tf plan -out=plan.tfplan',
    '<%= config.bin %> tf apply plan.tfplan',
    '<%= config.bin %> tf -chdir=apps-devstg/us-east-1/base-network plan',
    '<%= config.bin %> tf --layers base-network,k8s-eks plan   # from an account or layers-group folder',
    '<%= config.bin %> tf --layers all --json plan > summary.json',
    '<%= config.bin %> tf --bin ~/bin/terraform-1.5 version',
    "<%= config.bin %> tf plan --help   # terraform's own help",
  ]
  static override flags = wrapperFlags('terraform')
  static override strict = false
  static override usage = wrapperUsage('terraform', '<terraform arguments…>')

  async run(): Promise<void> {
    // Parsed by the runner from the raw argv, so terraform's own flags reach it verbatim.
    await this.parse(Terraform, [])
    process.exitCode = await runWrappedArgv('terraform', this.argv)
  }
}
