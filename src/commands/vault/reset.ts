import {Flags} from '@oclif/core'

import {TerraceCommand} from '../../cli/base-command.js'
import {UsageError} from '../../lib/errors.js'
import {homePaths} from '../../lib/paths.js'
import {isInteractive, promptLine} from '../../lib/prompt.js'
import {fileVaultPath} from '../../vault/file-store.js'
import {resetFileVault} from '../../vault/reset.js'

export default class VaultReset extends TerraceCommand {
  static override description = `Delete the encrypted file vault, for a forgotten passphrase.

Every secret in it is lost: SSO logins, client registrations, IAM user keys and cached role credentials. Log in again afterwards (\`terrace aws sso login\`, \`terrace credentials configure\` for IAM users); the next command that stores a secret creates a new vault and asks for its new passphrase twice.

Asks for confirmation unless --yes is given. The OS keychain is not touched.`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> vault reset', '<%= config.bin %> vault reset --yes']
  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'delete without asking for confirmation'}),
  }

  async run(): Promise<{deleted: boolean; path: string}> {
    const {flags} = await this.parse(VaultReset)
    const {env} = process
    const home = homePaths(env).root
    const path = fileVaultPath(home)
    if (!flags.yes) {
      if (!isInteractive(env, process.stdin)) {
        throw new UsageError(`terrace vault reset deletes ${path} and needs a confirmation, but this run cannot ask.`, {
          suggestion: 'Pass --yes to delete the file vault without confirmation.',
        })
      }

      const answer = await promptLine(`Delete the file vault ${path} and every secret in it? Type "yes" to confirm: `, {
        input: process.stdin,
        output: process.stderr,
      })
      if (answer.trim().toLowerCase() !== 'yes') {
        this.logToStderr('Nothing was deleted.')
        return {deleted: false, path}
      }
    }

    const deleted = await resetFileVault(home)
    if (deleted) {
      this.logToStderr(`Deleted the file vault ${path}.`)
      this.logToStderr(
        'Log in again: `terrace aws sso login` (and `terrace credentials configure` for IAM users); the next one asks for a new passphrase.',
      )
    } else {
      this.logToStderr(`There is no file vault at ${path}: nothing to delete.`)
    }

    return {deleted, path}
  }
}
