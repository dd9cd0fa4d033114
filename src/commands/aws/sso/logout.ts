import {Flags} from '@oclif/core'

import {readProfileRegistry, updateProfileRegistry} from '../../../auth/credentials/profile-registry.js'
import {createAuthServices} from '../../../auth/services.js'
import {logoutAll, LogoutReport, logoutStartUrl} from '../../../auth/sso/sso-logout.js'
import {awsConfigFile} from '../../../awsfiles/aws-file-paths.js'
import {forgetSsoProfiles} from '../../../awsfiles/configure-sso.js'
import {TerraceCommand} from '../../../cli/base-command.js'
import {ssoTargetFlags, ssoTargetFrom} from '../../../cli/sso-target-flags.js'

export default class AwsSsoLogout extends TerraceCommand {
  static override aliases = ['sso:logout', 'logout']
  static override description = `Log out of AWS IAM Identity Center and wipe every credential derived from the login.

Revokes the access and refresh tokens server-side (sso:Logout), then deletes from the vault the token, the client registration and every cached role credential of that start URL, and removes the profiles \`terrace aws configure sso\` wrote for it from your AWS config. A token that already expired or was revoked is not an error: the local wipe still happens. --all does this for every start URL terrace holds (and removes every terrace-managed profile).`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> aws sso logout', '<%= config.bin %> sso logout --all']
  static override flags = {
    all: Flags.boolean({description: 'log out of every start URL terrace holds a login for'}),
    ...ssoTargetFlags,
  }

  async run(): Promise<{awsProfiles: {configFile: string; removed: string[]}; logouts: LogoutReport[]}> {
    const {flags} = await this.parse(AwsSsoLogout)
    const services = await createAuthServices()
    const deps = {env: services.env, portal: services.portal, ssoLogin: services.ssoLogin, store: services.store}
    let logouts: LogoutReport[]
    if (flags.all) {
      logouts = await logoutAll(deps)
    } else {
      const target = await ssoTargetFrom(flags)
      logouts = [await logoutStartUrl(target.startUrl, deps)]
    }

    const configDir = services.paths.config
    const awsProfiles = await forgetSsoProfiles(flags.all ? 'all' : logouts.map((l) => l.startUrl), {
      configFile: awsConfigFile(process.env),
      readRegistry: () => readProfileRegistry(configDir),
      removeFromRegistry: (names) => updateProfileRegistry(configDir, {remove: names}),
    })

    if (logouts.length === 0) this.logToStderr('No SSO login found in the vault: nothing to wipe.')
    for (const report of logouts) {
      const revoked = report.revoked ? 'token revoked' : `token not revoked: ${report.note}`
      this.logToStderr(`Logged out of ${report.startUrl} (${revoked}); wiped ${report.wiped.length} vault entries.`)
      for (const entry of report.wiped) this.logToStderr(`  - ${entry}`)
    }

    if (awsProfiles.removed.length > 0) {
      this.logToStderr(`Removed ${awsProfiles.removed.length} terrace-managed profiles from ${awsProfiles.configFile}.`)
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
