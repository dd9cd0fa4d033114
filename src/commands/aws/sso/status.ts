import {Flags} from '@oclif/core'

import {createAuthServices} from '../../../auth/services.js'
import {resolveSsoTarget} from '../../../auth/sso/sso-target.js'
import {TerraceCommand} from '../../../cli/base-command.js'
import {ExitCode, NotLoggedInError} from '../../../lib/errors.js'

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
}

export default class AwsSsoStatus extends TerraceCommand {
  static aliases = ['sso:status']
  static description = `Show whether you are logged in to AWS IAM Identity Center, and until when.

Exits 0 when logged in, 5 when not (or expired), so scripts can test it.`

  static enableJsonFlag = true
  static examples = ['<%= config.bin %> aws sso status', '<%= config.bin %> aws sso status --json']
  static flags = {
    region: Flags.string({description: 'IAM Identity Center region (outside a project)'}),
    'start-url': Flags.string({description: 'AWS access portal URL (outside a project)'}),
  }

  async run(): Promise<StatusResult> {
    const {flags} = await this.parse(AwsSsoStatus)
    const target = await resolveSsoTarget({cwd: process.cwd(), env: process.env, region: flags.region, startUrl: flags['start-url']})
    const services = await createAuthServices()
    let status = await services.ssoLogin.status(target.startUrl)
    if (!status.loggedIn && status.refreshable) {
      // An expired access token with a live refresh token is renewed silently, as every other command would.
      await services.ssoLogin.accessToken(target.startUrl, 0).catch((error: unknown) => {
        if (!(error instanceof NotLoggedInError)) throw error
      })
      status = await services.ssoLogin.status(target.startUrl)
    }

    const result: StatusResult = {
      expiresAt: status.accessTokenExpiresAt === null ? null : new Date(status.accessTokenExpiresAt).toISOString(),
      loggedIn: status.loggedIn,
      refreshable: status.refreshable,
      region: status.region ?? target.region,
      startUrl: target.startUrl,
      vault: services.store.kind,
    }
    if (!this.jsonEnabled()) {
      if (status.loggedIn) this.log(`Logged in to ${result.startUrl} until ${result.expiresAt}.`)
      else this.log(`Not logged in to ${result.startUrl}. Run \`terrace aws sso login\`.`)
    }

    if (!status.loggedIn) process.exitCode = ExitCode.NotLoggedIn
    return result
  }
}
