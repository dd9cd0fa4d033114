import {Args, Flags} from '@oclif/core'

import {TerraceCommand} from '../../cli/base-command.js'

export default class SessionExport extends TerraceCommand {
  static override args = {name: Args.string({description: 'the session (its name or id)', required: true})}
  static override description = `Print a session's credentials, for eval or for tools terrace cannot serve otherwise.

--format env (the default) prints export lines for a POSIX shell (eval "$(terrace session export alice)"); --format json the credential_process Version 1 JSON with the region. A warning on stderr says they are now in your hands: terrace cannot renew or revoke what it printed. Prefer terrace session start (credential_process) or terrace exec --session.`
  static override examples = [
    'eval "$(<%= config.bin %> session export alice)"',
    '<%= config.bin %> session export ops --format json',
  ]
  static override flags = {
    format: Flags.string({default: 'env', description: 'env (export lines) or json', options: ['env', 'json']}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(SessionExport)
    const {env} = process
    const [{sessionCredentials}, {exportWarning, renderExport}, {findSession}, {sessionRef}, {readWorkspace}, store] =
      await Promise.all([
        import('../../cli/session-credentials.js'),
        import('../../workspace/session-export.js'),
        import('../../workspace/session-service.js'),
        import('../../workspace/session-ref.js'),
        import('../../workspace/workspace-file.js'),
        import('../../workspace/store.js'),
      ])
    const workspace = await readWorkspace(store.workspaceStore(env))
    const session = findSession(workspace, args.name)
    const credentials = sessionCredentials(env)
    const creds = await credentials.obtain(sessionRef(workspace, session), {force: false})
    const expiresAt = credentials.expirationOf(creds)
    const region = session.region ?? workspace.defaultRegion
    process.stderr.write(`${exportWarning(session.name, expiresAt)}\n`)
    process.stdout.write(renderExport(creds, {expiresAt, format: flags.format as 'env' | 'json', region}))
  }
}
