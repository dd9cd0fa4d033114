import {Args} from '@oclif/core'

import type {Session} from '../../workspace/session.js'

import {TerraceCommand} from '../../cli/base-command.js'

export default class SessionStop extends TerraceCommand {
  static override args = {name: Args.string({description: 'the session (its name or id)', required: true})}
  static override description = `Stop a session: its profile leaves terrace's managed block of the AWS config file (and, in file mode, its keys leave the credentials file's block and the agent stops rotating them).

Its cached credentials stay in the vault (a later start asks for no new MFA code while they last). Stopping an inactive session changes nothing.`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> session stop alice']

  async run(): Promise<{profile: string; session: Session; stopped: boolean}> {
    const {args} = await this.parse(SessionStop)
    const [{serveDeps}, {stopSession}, {unregisterFileRotation}] = await Promise.all([
      import('../../cli/session-credentials.js'),
      import('../../workspace/session-serving.js'),
      import('../../cli/file-rotation.js'),
    ])
    const result = await stopSession(serveDeps(process.env, this.config.root), args.name)
    if (result.stopped && result.session.mode === 'file') await unregisterFileRotation(process.env, [result.session.id])
    if (!this.jsonEnabled()) {
      this.log(
        result.stopped
          ? `Stopped session ${result.session.name} (profile ${result.profile}).`
          : `Session ${result.session.name} is not active.`,
      )
    }

    return result
  }
}
