import {Flags} from '@oclif/core'

import {createAuthServices} from '../../../auth/services.js'
import {loginUi} from '../../../auth/sso/login-ui.js'
import {resolveSsoTarget} from '../../../auth/sso/sso-target.js'
import {TerraceCommand} from '../../../cli/base-command.js'

export interface LoginResult {
  expiresAt: string
  region: string
  /** true when an existing login was reused (renewed silently when `renewed`) and no device flow ran */
  reused: boolean
  renewed: boolean
  startUrl: string
}

export default class AwsSsoLogin extends TerraceCommand {
  static aliases = ['sso:login']
  static description = `Log in to AWS IAM Identity Center with the device flow.

Inside a project, the start URL and region come from config/common.tfvars (sso_start_url, sso_region); outside
one, pass --start-url and --region. terrace prints a URL and a code, opens your browser, and waits for you to
approve. The token and refresh token go to the OS keychain (or terrace's encrypted file vault), never to a plain
file, and are shared by every project using the same start URL. Already logged in: nothing to do (--force
logs in again). An expired token with a valid refresh token is renewed without a browser.`

  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> aws sso login',
    '<%= config.bin %> sso login --no-browser',
    '<%= config.bin %> aws sso login --start-url https://my-org.awsapps.com/start --region eu-west-1',
  ]

  static flags = {
    force: Flags.boolean({description: 'log in again even when the current login is still valid'}),
    'no-browser': Flags.boolean({description: 'do not open a browser; print the URL and code only'}),
    region: Flags.string({description: 'IAM Identity Center region (outside a project, or to override sso_region)'}),
    'start-url': Flags.string({description: 'AWS access portal URL (outside a project, or to override sso_start_url)'}),
  }

  async run(): Promise<LoginResult> {
    const {flags} = await this.parse(AwsSsoLogin)
    const target = await resolveSsoTarget({cwd: process.cwd(), env: process.env, region: flags.region, startUrl: flags['start-url']})
    const services = await createAuthServices()
    const abort = new AbortController()
    const onSigint = () => abort.abort()
    process.once('SIGINT', onSigint)
    const ui = loginUi({openBrowser: !flags['no-browser'] && Boolean(process.stdin.isTTY && process.stderr.isTTY)})
    try {
      const result = await services.ssoLogin.login(target.startUrl, target.region, {force: flags.force, signal: abort.signal, ui})
      ui.done()
      const expiresAt = new Date(result.token.expiresAt).toISOString()
      if (result.reused && !result.renewed) {
        this.logToStderr(`Already logged in to ${target.startUrl} until ${expiresAt} (use --force to log in again).`)
      } else if (result.renewed) {
        this.logToStderr(`Login renewed for ${target.startUrl}, valid until ${expiresAt}.`)
      } else {
        this.logToStderr(`Logged in to ${target.startUrl}, valid until ${expiresAt}.`)
      }

      return {expiresAt, region: target.region, renewed: result.renewed, reused: result.reused, startUrl: target.startUrl}
    } finally {
      ui.done()
      process.removeListener('SIGINT', onSigint)
    }
  }
}
