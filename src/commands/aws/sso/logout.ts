import {Flags} from '@oclif/core'

import {requestAgent} from '../../../agent/client.js'
import {agentPaths} from '../../../agent/paths.js'
import {
  profileRegistryPath,
  readProfileRegistry,
  updateProfileRegistry,
} from '../../../auth/credentials/profile-registry.js'
import {createAuthServices} from '../../../auth/services.js'
import {logoutAll, LogoutReport, logoutStartUrl} from '../../../auth/sso/sso-logout.js'
import {awsConfigFile} from '../../../awsfiles/aws-file-paths.js'
import {profilesOf, reconcileManagedProfiles} from '../../../awsfiles/configure-sso.js'
import {TerraceCommand} from '../../../cli/base-command.js'
import {ssoTargetFlags, ssoTargetFrom} from '../../../cli/sso-target-flags.js'

export default class AwsSsoLogout extends TerraceCommand {
  static override aliases = ['sso:logout', 'logout']
  static override description = `Log out of AWS IAM Identity Center and wipe every credential derived from the login.

Revokes the access and refresh tokens server-side (sso:Logout), then deletes from the vault the token, the client registration and every cached role credential of that start URL, The profiles \`terrace aws configure sso\` wrote stay in your AWS config (they hold no secret): until you log in again, using one fails with exit 5 saying to run \`terrace login\`. A token that already expired or was revoked is not an error: the local wipe still happens. --all does this for every start URL terrace holds.`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> aws sso logout', '<%= config.bin %> sso logout --all']
  static override flags = {
    all: Flags.boolean({description: 'log out of every start URL terrace holds a login for'}),
    ...ssoTargetFlags,
  }

  async run(): Promise<{
    awsProfiles: {configFile: string; kept: string[]; removed: string[]}
    logouts: LogoutReport[]
  }> {
    const {flags} = await this.parse(AwsSsoLogout)
    const services = await createAuthServices({env: this.invocation().env})
    const deps = {env: services.env, portal: services.portal, ssoLogin: services.ssoLogin, store: services.store}
    let logouts: LogoutReport[]
    if (flags.all) {
      logouts = await logoutAll(deps)
    } else {
      const target = await ssoTargetFrom(flags, this.invocation())
      logouts = [await logoutStartUrl(target.startUrl, deps)]
    }

    // the agent forgets all it holds (the unlocked file vault, cached credentials): nothing of the login stays warm
    const agentWipe = await requestAgent(agentPaths(services.paths.root), 'wipe')
    if (agentWipe?.ok) {
      this.logToStderr('The terrace agent forgot everything it held (the file vault is locked again).')
      const {fileRotationStoppedNotice} = await import('../../../cli/file-rotation.js')
      const notice = await fileRotationStoppedNotice(this.invocation().env, 'wipe')
      if (notice) this.logToStderr(notice)
    }

    // the profiles `aws configure sso` wrote stay (they hold no secret): they say to log in until the next login
    // only what a killed `aws configure sso` left half-written is removed (see reconcileManagedProfiles)
    const configDir = services.paths.config
    const configFile = awsConfigFile(this.invocation().env)
    const {removed} = await reconcileManagedProfiles({
      configFile,
      readRegistry: () => readProfileRegistry(configDir),
      registryFile: profileRegistryPath(configDir),
      updateRegistry: (change) => updateProfileRegistry(configDir, change),
    })
    const awsProfiles = {
      configFile,
      kept: profilesOf(await readProfileRegistry(configDir), flags.all ? 'all' : logouts.map((l) => l.startUrl)),
      removed,
    }

    if (logouts.length === 0) this.logToStderr('No SSO login found in the vault: nothing to wipe.')
    for (const report of logouts) {
      const revoked = report.revoked ? 'token revoked' : `token not revoked: ${report.note}`
      this.logToStderr(`Logged out of ${report.startUrl} (${revoked}); wiped ${report.wiped.length} vault entries.`)
      for (const entry of report.wiped) this.logToStderr(`  - ${entry}`)
    }

    if (awsProfiles.removed.length > 0) {
      this.logToStderr(
        `Removed ${awsProfiles.removed.length} half-written terrace profiles (an earlier run was interrupted) from ${configFile} and the registry.`,
      )
    }

    if (awsProfiles.kept.length > 0) {
      this.logToStderr(
        `${awsProfiles.kept.length} terrace-managed profiles stay in ${awsProfiles.configFile} (no secret in them): they work again after \`terrace login\`.`,
      )
    }

    // the local wipe is done; a session AWS did not end is still a failure, said last and in the exit code
    for (const {failure} of logouts) {
      if (!failure) continue
      process.stderr.write(`Error: ${failure.message}\n`)
      process.exitCode = failure.exitCode
    }

    return {awsProfiles, logouts}
  }
}
