import {Args, Flags} from '@oclif/core'

import type {Registration} from '../../cli/file-rotation.js'
import type {StartResult} from '../../workspace/session-serving.js'

import {TerraceCommand} from '../../cli/base-command.js'

export default class SessionStart extends TerraceCommand {
  static override args = {name: Args.string({description: 'the session (its name or id)', required: true})}
  static override description = `Start a session: make its credentials available to every AWS tool under its profile.

Its credentials are obtained first (an MFA code is asked here when one is needed: TERRACE_MFA_CODE, else the terminal), then --mode process (the default) writes [profile P] into terrace's managed block of the AWS config file (AWS_CONFIG_FILE or ~/.aws/config; nothing outside the block changes) with credential_process = terrace credential-process --session <id> and the session's region. No credential is written to any file: tools ask terrace, which answers from the vault. Another session active on the same profile is stopped.

Without --mode, a session is started in the mode it was last started in (process for a new one): stop keeps it.

--mode file, for tools that read only the credentials file: short-lived keys are written as [P] into terrace's managed block of the AWS credentials file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials), the region into the config file's block. Temporary keys are then in a plain file (a warning says so). terrace's agent (started if needed) rewrites them before they are 30 minutes old (TERRACE_CREDENTIAL_TTL) while the session is active; with TERRACE_AGENT=off nothing rotates them and a warning says when they expire. session stop removes them.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> session start alice',
    '<%= config.bin %> session start ops && aws --profile ops sts get-caller-identity',
    '<%= config.bin %> session start legacy --mode file',
  ]
  static override flags = {
    mode: Flags.string({
      description:
        'how the credentials are served: process (credential_process in the AWS config file) or file (temporary keys in the AWS credentials file, rotated by the agent); default: the mode it was last started in, else process',
      options: ['process', 'file'],
    }),
  }

  async run(): Promise<StartResult & {rotation: null | Registration}> {
    const {args, flags} = await this.parse(SessionStart)
    const mode = flags.mode === undefined ? undefined : flags.mode === 'file' ? 'file' : 'process'
    const {env} = process
    const [{serveDeps}, {startSession}, {registerFileRotation, unregisterFileRotation}] = await Promise.all([
      import('../../cli/session-credentials.js'),
      import('../../workspace/session-serving.js'),
      import('../../cli/file-rotation.js'),
    ])
    const result = await startSession(serveDeps(env, this.config.root), args.name, mode)
    // the sessions it stopped, and itself when it leaves file mode for process mode, are no longer rotated
    await unregisterFileRotation(
      env,
      result.mode === 'file' ? result.stoppedIds : [...result.stoppedIds, result.session.id],
    )
    let rotation: null | Registration = null
    if (result.credentialsFile) {
      process.stderr.write(
        `Warning: file mode puts temporary keys of session ${result.session.name} in a plain file: ${result.credentialsFile} ([${result.profile}]).\n`,
      )
      rotation = await registerFileRotation(env, result.session.id)
      if (!rotation.registered)
        process.stderr.write(
          `Warning: nothing will rotate them (${rotation.reason}): they expire at ${result.expiresAt}. Start the session again before then, or use --mode process.\n`,
        )
    }

    if (!this.jsonEnabled()) {
      for (const name of result.stopped) this.log(`Stopped session ${name} (it served profile ${result.profile}).`)
      this.log(
        `Started session ${result.session.name}: profile ${result.profile} in ${result.configFile}${result.region ? ` (region ${result.region})` : ''}.`,
      )
      if (rotation?.registered) this.log(`  terrace's agent rotates its keys (next at ${rotation.nextAt}).`)
      this.log(`  aws --profile ${result.profile} sts get-caller-identity`)
    }

    return {...result, rotation}
  }
}
