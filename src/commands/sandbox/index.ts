import {Flags} from '@oclif/core'

import {TerraceCommand} from '../../cli/base-command.js'
import {ConfigError, UsageError} from '../../lib/errors.js'
import {sandboxRecordDir} from '../../lib/paths.js'
import {DEFAULT_SANDBOX_PORT} from '../../sandbox/running-sandboxes.js'

export default class Sandbox extends TerraceCommand {
  static override description = `Run the local AWS emulator (SSO-OIDC, SSO portal, STS, IAM, DynamoDB Scan) in the foreground.

It listens on 127.0.0.1:${DEFAULT_SANDBOX_PORT} (--port 0: a free port), prints the export lines that point AWS SDKs and terrace at it, and waits; Ctrl-C stops it. In another shell, eval "$(terrace sandbox env)" sets those variables. The default configuration (templates/sandbox.json) has user alice, six accounts and an IAM user with a virtual MFA device; docs/sandbox.md documents the configuration and the control API. Nothing leaves this machine.`
  static override examples = [
    '<%= config.bin %> sandbox',
    '<%= config.bin %> sandbox --auto-approve --port 0',
    '<%= config.bin %> sandbox --config my-sandbox.json',
  ]
  static override flags = {
    'auto-approve': Flags.boolean({description: 'approve every device login without the approval page (demos)'}),
    config: Flags.string({
      description: 'configuration JSON file, merged over templates/sandbox.json (docs/sandbox.md)',
    }),
    port: Flags.integer({
      default: DEFAULT_SANDBOX_PORT,
      description: 'port on 127.0.0.1; 0 picks a free one',
      max: 65_535,
      min: 0,
    }),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Sandbox)
    const {
      normaliseConfig,
      removeSandboxRecord,
      sandboxBanner,
      SandboxConfigError,
      sandboxConfigFromFile,
      startSandbox,
      untilSignal,
      writeSandboxRecord,
    } = await import('../../sandbox/index.js')
    let sandbox
    try {
      const config = sandboxConfigFromFile(flags.config)
      if (flags['auto-approve']) config.autoApprove = true
      normaliseConfig(config)
      sandbox = await startSandbox({config, port: flags.port})
    } catch (error) {
      if (error instanceof SandboxConfigError) throw new ConfigError(error.message, {cause: error})
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
        throw new UsageError(
          `port ${flags.port} is already in use (another sandbox, or another program, listens there)`,
          {suggestion: 'Stop whatever listens there, or choose another port: --port 0 picks a free one.'},
        )
      throw error
    }

    const recordDir = sandboxRecordDir()
    let recorded = false
    try {
      writeSandboxRecord(recordDir, {
        pid: process.pid,
        port: sandbox.port,
        startedAt: new Date().toISOString(),
        url: sandbox.url,
      })
      recorded = true
    } catch (error) {
      // the sandbox works without its record: `terrace sandbox env --port N` still finds it
      process.stderr.write(
        `Warning: cannot record the sandbox in ${recordDir} (${(error as Error).message}); terrace sandbox env needs --port ${sandbox.port}.\n`,
      )
    }

    // listening for the stop signals before the banner says to press Ctrl-C: a signal sent on seeing it is caught
    const stopped = untilSignal()
    this.log(sandboxBanner(sandbox, sandbox.config.settings.autoApprove))
    const signal = await stopped
    await sandbox.stop()
    if (recorded) removeSandboxRecord(recordDir, sandbox.port)
    this.log(`\nSandbox stopped (${signal}).`)
  }
}
