import {Flags} from '@oclif/core'

import {TerraceCommand} from '../cli/base-command.js'

export default class Exec extends TerraceCommand {
  static '--' = false
  static override description = `Run any command, with the terminal, signals and exit code passed through.

Everything after "--" (or after terrace's own options) is the command and its arguments, verbatim. Works inside and outside a project.`
  static override examples = [
    '<%= config.bin %> exec -- aws sts get-caller-identity',
    '<%= config.bin %> exec -- terragrunt plan',
    "<%= config.bin %> exec -- sh -c 'env | grep ^AWS_'",
  ]
  static override flags = {
    debug: Flags.boolean({description: "show stack traces for terrace's own failures"}),
  }
  static override strict = false
  static override usage = '<%= command.id %> [--debug] -- <command> [arguments…]'

  async run(): Promise<void> {
    await this.parse(Exec, [])
    const [{runWrapped}, {defaultWrapDeps}] = await Promise.all([
      import('../runner/wrap-service.js'),
      import('../runner/default-deps.js'),
    ])
    process.exitCode = await runWrapped('exec', this.argv, defaultWrapDeps())
  }
}
