import {Flags} from '@oclif/core'

import {createAuthServices} from '../../../auth/services.js'
import {type LoginResult, loginToStartUrl} from '../../../auth/sso/login-flow.js'
import {TerraceCommand} from '../../../cli/base-command.js'
import {ssoTargetFlags, ssoTargetFrom} from '../../../cli/sso-target-flags.js'

export type {LoginResult} from '../../../auth/sso/login-flow.js'

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
    return loginToStartUrl(
      target,
      {force: flags.force, noBrowser: flags['no-browser']},
      {log: (message) => this.logToStderr(message), portal: services.portal, ssoLogin: services.ssoLogin},
    )
  }
}
