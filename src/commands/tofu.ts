import {Flags} from '@oclif/core'

import {TerraceCommand} from '../cli/base-command.js'
import {optionDescription} from '../runner/wrapper-options.js'

export default class Tofu extends TerraceCommand {
  static '--' = false
  static override description = `Run OpenTofu in the current layer with the project's var files and backend config.

The same as "terrace terraform", with tofu as the default binary: -backend-config for init, -var-file for plan/apply/destroy/import/refresh/console, your own arguments verbatim after terrace's options.`
  static override examples = [
    '<%= config.bin %> tofu init',
    '<%= config.bin %> tofu plan -lock=false',
    '<%= config.bin %> tofu --layers base-network,k8s-eks apply -auto-approve',
  ]
  static override flags = {
    bin: Flags.string({description: 'tofu binary to run (default: TERRACE_TF_BIN, else tofu on PATH)'}),
    credentials: Flags.string({description: optionDescription('credentials'), options: ['endpoint', 'env']}),
    debug: Flags.boolean({description: "show stack traces for terrace's own failures"}),
    json: Flags.boolean({
      description: "with --layers: print the summary as JSON on stdout; tofu's output goes to stderr",
    }),
    layers: Flags.string({
      description:
        'run in each layer, in order, stopping at the first failure (comma-separated paths relative to the current folder; "all" = every enabled layer below it)',
    }),
    profile: Flags.string({description: optionDescription('profile')}),
  }
  static override strict = false
  static override usage =
    '<%= command.id %> [--bin PATH] [--layers a,b,c [--json]] [--profile NAME] [--credentials endpoint|env] <tofu arguments…>'

  async run(): Promise<void> {
    // Parsed by the runner from the raw argv, so tofu's own flags reach it verbatim.
    await this.parse(Tofu, [])
    const [{runWrapped}, {defaultWrapDeps}] = await Promise.all([
      import('../runner/wrap-service.js'),
      import('../runner/default-deps.js'),
    ])
    process.exitCode = await runWrapped('tofu', this.argv, defaultWrapDeps())
  }
}
