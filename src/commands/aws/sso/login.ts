import {Flags} from '@oclif/core'

import {createAuthServices} from '../../../auth/services.js'
import {loginUi} from '../../../auth/sso/login-ui.js'
import {ssoStatus} from '../../../auth/sso/sso-status.js'
import {TerraceCommand} from '../../../cli/base-command.js'
import {ssoTargetFlags, ssoTargetFrom} from '../../../cli/sso-target-flags.js'

export interface LoginResult {
  /** false when a valid login (possibly renewed silently through the refresh grant) was already there */
  deviceFlow: boolean
  expiresAt: string
  region: string
  startUrl: string
}

export default class AwsSsoLogin extends TerraceCommand {
  static override aliases = ['sso:login', 'login']
  static override description = `Log in to AWS IAM Identity Center with the device flow.

Inside a project, the start URL and region come from config/common.tfvars (sso_start_url, sso_region); outside one, pass --start-url and --region. terrace prints a URL and a code, opens your browser, and waits for you to approve. The token and refresh token go to the OS keychain (or terrace's encrypted file vault), never to a plain file, and are shared by every project using the same start URL. Already logged in: nothing to do (--force logs in again). An expired token with a valid refresh token is renewed without a browser.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> aws sso login',
    '<%= config.bin %> sso login --no-browser',
    '<%= config.bin %> aws sso login --start-url https://my-org.awsapps.com/start --region eu-west-1',
  ]
  static override flags = {
    force: Flags.boolean({description: 'log in again even when the current login is still valid'}),
    'no-browser': Flags.boolean({description: 'do not open a browser; print the URL and code only'}),
    ...ssoTargetFlags,
  }

  async run(): Promise<LoginResult> {
    const {flags} = await this.parse(AwsSsoLogin)
    const target = await ssoTargetFrom(flags, this.invocation())
    const services = await createAuthServices({env: this.invocation().env})
    const abort = new AbortController()
    const onSigint = () => abort.abort()
    process.once('SIGINT', onSigint)
    const ui = loginUi({openBrowser: !flags['no-browser'] && Boolean(process.stdin.isTTY && process.stderr.isTTY)})
    try {
      if (!flags.force) {
        const status = await ssoStatus(target.startUrl, {portal: services.portal, ssoLogin: services.ssoLogin})
        if (status.loggedIn && status.expiresAt !== null) {
          const expiresAt = new Date(status.expiresAt).toISOString()
          this.logToStderr(`Already logged in to ${target.startUrl} until ${expiresAt} (use --force to log in again).`)
          return {deviceFlow: false, expiresAt, region: target.region, startUrl: target.startUrl}
        }
      }

      const token = await services.ssoLogin.login(target.startUrl, target.region, {signal: abort.signal, ui})
      ui.done()
      const expiresAt = new Date(token.expiresAt).toISOString()
      this.logToStderr(`Logged in to ${target.startUrl}, valid until ${expiresAt}.`)
      return {deviceFlow: true, expiresAt, region: target.region, startUrl: target.startUrl}
    } finally {
      ui.done()
      process.removeListener('SIGINT', onSigint)
    }
  }
}
