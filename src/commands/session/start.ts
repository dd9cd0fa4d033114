import {Args, Flags} from '@oclif/core'

import type {StartResult} from '../../workspace/session-serving.js'

import {TerraceCommand} from '../../cli/base-command.js'

export default class SessionStart extends TerraceCommand {
  static override args = {name: Args.string({description: 'the session (its name or id)', required: true})}
  static override description = `Start a session: make its credentials available to every AWS tool under its profile.

Its credentials are obtained first (an MFA code is asked here when one is needed: TERRACE_MFA_CODE, else the terminal), then --mode process (the default) writes [profile P] into terrace's managed block of the AWS config file (AWS_CONFIG_FILE or ~/.aws/config; nothing outside the block changes) with credential_process = terrace credential-process --session <id> and the session's region. No credential is written to any file: tools ask terrace, which answers from the vault. Another session active on the same profile is stopped.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> session start alice',
    '<%= config.bin %> session start ops && aws --profile ops sts get-caller-identity',
  ]
  static override flags = {
    mode: Flags.string({
      default: 'process',
      description: 'how the credentials are served: process (credential_process in the AWS config file)',
      options: ['process'],
    }),
  }

  async run(): Promise<StartResult> {
    const {args} = await this.parse(SessionStart)
    const [{serveDeps}, {startSession}] = await Promise.all([
      import('../../cli/session-credentials.js'),
      import('../../workspace/session-serving.js'),
    ])
    const result = await startSession(serveDeps(process.env, this.config.root), args.name)
    if (!this.jsonEnabled()) {
      for (const name of result.stopped) this.log(`Stopped session ${name} (it served profile ${result.profile}).`)
      this.log(
        `Started session ${result.session.name}: profile ${result.profile} in ${result.configFile}${result.region ? ` (region ${result.region})` : ''}.`,
      )
      this.log(`  aws --profile ${result.profile} sts get-caller-identity`)
    }

    return result
  }
}
