import {TerraceCommand} from '../cli/base-command.js'
import {runWrappedArgv, wrapperFlags, wrapperUsage} from '../cli/wrapped-command.js'

export default class Tofu extends TerraceCommand {
  static '--' = false
  static override description = `Run OpenTofu in the current layer with the project's var files and backend config.

The same as "terrace terraform", with tofu as the default binary: -backend-config for init, -var-file for plan/apply/destroy/import/refresh/console, your own arguments verbatim after terrace's options.`
  static override examples = [
    '<%= config.bin %> tofu init',
    '<%= config.bin %> tofu plan -lock=false',
    '<%= config.bin %> tofu --layers base-network,k8s-eks apply -auto-approve',
  ]
  static override flags = wrapperFlags('tofu')
  static override strict = false
  static override usage = wrapperUsage('tofu', '<tofu arguments…>')

  async run(): Promise<void> {
    // Parsed by the runner from the raw argv, so tofu's own flags reach it verbatim.
    await this.parse(Tofu, [])
    process.exitCode = await runWrappedArgv('tofu', this.argv)
  }
}
