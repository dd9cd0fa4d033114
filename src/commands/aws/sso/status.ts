import {createAuthServices} from '../../../auth/services.js'
import {ssoStatus} from '../../../auth/sso/sso-status.js'
import {TerraceCommand} from '../../../cli/base-command.js'
import {ssoTargetFlags, ssoTargetFrom} from '../../../cli/sso-target-flags.js'
import {ExitCode} from '../../../lib/errors.js'

export interface StatusResult {
  /** ISO time the access token expires; null when there is no token */
  expiresAt: null | string
  loggedIn: boolean
  /** whether a refresh token is stored (the login renews without a browser) */
  refreshable: boolean
  region: null | string
  startUrl: string
  /** which secret store holds the token: "keychain" or "file" */
  vault: string
  /** true when AWS confirmed the token; false when AWS could not be reached and the answer comes from the vault */
  verified: boolean
}

export default class AwsSsoStatus extends TerraceCommand {
  static override aliases = ['sso:status', 'status']
  static override description = `Show whether you are logged in to AWS IAM Identity Center, and until when.

Exits 0 when logged in, 5 when not (or expired), so scripts can test it.`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> aws sso status', '<%= config.bin %> aws sso status --json']
  static override flags = {
    ...ssoTargetFlags,
  }

  async run(): Promise<StatusResult> {
    const {flags} = await this.parse(AwsSsoStatus)
    const target = await ssoTargetFrom(flags, this.invocation())
    const services = await createAuthServices({env: this.invocation().env})
    const status = await ssoStatus(target.startUrl, {portal: services.portal, ssoLogin: services.ssoLogin})
    const result: StatusResult = {
      expiresAt: status.expiresAt === null ? null : new Date(status.expiresAt).toISOString(),
      loggedIn: status.loggedIn,
      refreshable: status.refreshable,
      region: status.region ?? target.region,
      startUrl: target.startUrl,
      vault: services.store.kind,
      verified: status.verified,
    }
    if (!this.jsonEnabled()) {
      if (status.loggedIn)
        this.log(
          `Logged in to ${result.startUrl} until ${result.expiresAt}${status.verified ? '' : ' (AWS unreachable: not verified)'}.`,
        )
      else this.log(`Not logged in to ${result.startUrl}. Run \`terrace aws sso login\`.`)
    }

    if (!status.loggedIn) process.exitCode = ExitCode.NotLoggedIn
    return result
  }
}
