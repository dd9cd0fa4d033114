import {Flags} from '@oclif/core'

import {TerraceCommand} from '../../cli/base-command.js'
import {AwsUnreachableError, UsageError} from '../../lib/errors.js'
import {sandboxRecordDir} from '../../lib/paths.js'
import {DEFAULT_SANDBOX_PORT, exportLines, locateSandbox, type RunningSandbox} from '../../sandbox/running-sandboxes.js'

export default class SandboxEnv extends TerraceCommand {
  static override description = `Print the export lines of the running sandbox: eval "$(terrace sandbox env)" points AWS SDKs and terrace at it.

The same seven lines terrace sandbox prints when it starts (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_DYNAMODB, _IAM, _SSO, _SSO_OIDC, _STS and AWS_REGION). It finds the sandbox terrace sandbox recorded in TERRACE_HOME, or the one on port ${DEFAULT_SANDBOX_PORT}, and asks it whether it is alive; --port picks one. No running sandbox is exit 9; several, exit 2 (choose one with --port).`
  static override enableJsonFlag = true
  static override examples = [
    'eval "$(<%= config.bin %> sandbox env)"',
    '<%= config.bin %> sandbox env --port 5000',
    '<%= config.bin %> sandbox env --json',
  ]
  static override flags = {
    port: Flags.integer({description: 'the port of the sandbox (default: the one running)', max: 65_535, min: 1}),
  }

  async run(): Promise<RunningSandbox> {
    const {flags} = await this.parse(SandboxEnv)
    const dir = sandboxRecordDir()
    const found = await locateSandbox({dir, port: flags.port})
    if (found.kind === 'several')
      throw new UsageError(`several sandboxes are running (ports ${found.ports.join(', ')})`, {
        suggestion: `Choose one with --port, e.g. terrace sandbox env --port ${found.ports[0]}.`,
      })
    if (found.kind === 'none') {
      const portFlag = flags.port === undefined || flags.port === DEFAULT_SANDBOX_PORT ? '' : ` --port ${flags.port}`
      throw new AwsUnreachableError(
        flags.port === undefined ? noneMessage(found.ports, dir) : `no running sandbox answers on port ${flags.port}`,
        {suggestion: `Start one in another shell with \`terrace sandbox${portFlag}\`, then run this again.`},
      )
    }

    if (!this.jsonEnabled()) this.log(exportLines(found.sandbox.env).join('\n'))
    return found.sandbox
  }
}

function noneMessage(ports: number[], dir: string): string {
  const recorded = ports.filter((port) => port !== DEFAULT_SANDBOX_PORT)
  const where =
    recorded.length === 0 ? `, and none is recorded in ${dir}` : ` or on ${portList(recorded)} (recorded in ${dir})`
  return `no running sandbox: none answers on port ${DEFAULT_SANDBOX_PORT} (the default)${where}`
}

const portList = (ports: number[]) => (ports.length === 1 ? `port ${ports[0]}` : `ports ${ports.join(', ')}`)
