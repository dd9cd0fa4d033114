import {requestAgent} from '../../agent/client.js'
import {agentPaths} from '../../agent/paths.js'
import {TerraceCommand} from '../../cli/base-command.js'
import {homePaths} from '../../lib/paths.js'

export default class VaultLock extends TerraceCommand {
  static override description = `Make terrace's agent forget the unlocked file vault at once.

Commands that need the vault ask for its passphrase again (or exit 8 where they cannot ask) until the next terrace vault unlock. Nothing to do when no agent runs or it holds no vault. Sessions started with --mode file are not renewed while it is locked (a warning names them); unlocking resumes their rotation.`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> vault lock']

  async run(): Promise<{locked: boolean}> {
    await this.parse(VaultLock)
    const answer = await requestAgent(agentPaths(homePaths().root), 'lock')
    const locked = Boolean(answer?.ok && (answer.result as {locked: boolean}).locked)
    this.logToStderr(locked ? 'The file vault is locked: the agent forgot it.' : 'The agent held no unlocked vault.')
    if (locked) {
      const {fileRotationStoppedNotice} = await import('../../cli/file-rotation.js')
      const notice = await fileRotationStoppedNotice(process.env, 'lock')
      if (notice) this.logToStderr(notice)
    }

    return {locked}
  }
}
