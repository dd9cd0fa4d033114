import {Flags} from '@oclif/core'

import {TerraceCommand} from '../cli/base-command.js'

export default class Terraform extends TerraceCommand {
  static '--' = false
  static override aliases = ['tf']
  static override description = `Run terraform in the current layer with the project's var files and backend config.

terrace finds the project from the current folder and runs terraform there, with the terminal, signals and exit code as if you had called terraform yourself. It adds -backend-config=<account>/config/backend.tfvars to init and -var-file= for each config/*.tfvars of the project and the account to plan, apply (unless applying a saved plan), destroy, import, refresh and console, right after the subcommand, so your own -var-file wins. output, show, state, validate and the rest get nothing added; version and fmt work outside a project.

terrace's options come before terraform's first argument; from there on every argument is terraform's, -json and --help included. --layers is also accepted after the subcommand.`
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
  static override flags = {
    bin: Flags.string({description: 'terraform binary to run (default: TERRACE_TF_BIN, else terraform on PATH)'}),
    debug: Flags.boolean({description: "show stack traces for terrace's own failures"}),
    json: Flags.boolean({
      description: "with --layers: print the summary as JSON on stdout; terraform's output goes to stderr",
    }),
    layers: Flags.string({
      description:
        'run in each layer, in order, stopping at the first failure (comma-separated paths relative to the current folder; "all" = every enabled layer below it)',
    }),
  }
  static override strict = false
  static override usage = '<%= command.id %> [--bin PATH] [--layers a,b,c [--json]] <terraform arguments…>'

  async run(): Promise<void> {
    // Parsed by the runner from the raw argv, so terraform's own flags reach it verbatim.
    await this.parse(Terraform, [])
    const [{runWrapped}, {defaultWrapDeps}] = await Promise.all([
      import('../runner/wrap-service.js'),
      import('../runner/default-deps.js'),
    ])
    process.exitCode = await runWrapped('terraform', this.argv, defaultWrapDeps())
  }
}
