import {Flags} from '@oclif/core'

import {TerraceCommand} from '../cli/base-command.js'
import {credentialProcess} from '../credential-process/service.js'

/**
 * Help and manifest for `terrace credential-process`. The entry point runs it without oclif (src/credential-process/
 * main.ts, same service); this class runs only when oclif is asked directly.
 */
export default class CredentialProcess extends TerraceCommand {
  static override description = `Print credentials for a terrace-managed AWS profile or a workspace session, for credential_process.

\`terrace aws configure sso\` writes profiles whose credential_process runs this command with --profile; \`terrace session start\` writes profiles that run it with --session <session id>. It prints AWS's Version 1 JSON on stdout, from the vault's cache when fresh (no AWS call), else fresh from IAM Identity Center (one call per role even when many tools ask at once). Credentials are at most 30 minutes old. It never prompts: logged out (or a file vault without TERRACE_VAULT_PASSPHRASE) ends with exit 5; an unknown profile with exit 4.`
  static override examples = [
    '<%= config.bin %> credential-process --profile bb-apps-devstg-devops',
    '<%= config.bin %> credential-process --session alice',
  ]
  static override flags = {
    profile: Flags.string({
      description: 'a profile written by `terrace aws configure sso`',
      exactlyOne: ['profile', 'session'],
    }),
    session: Flags.string({description: 'a workspace session (its id or name)', exactlyOne: ['profile', 'session']}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(CredentialProcess)
    const json = await credentialProcess({
      env: process.env,
      notice: (message) => process.stderr.write(`${message}\n`),
      profile: flags.profile,
      session: flags.session,
    })
    process.stdout.write(`${json}\n`)
  }
}
