/**
 * `terrace aws sso login` and `terrace integration login`: one login per start URL, shared by projects and
 * integrations. A valid login (renewed silently when it can be) is kept unless forced; otherwise the device flow
 * runs, Ctrl-C aborting it.
 */
import type {SsoLogin} from './sso-login.js'
import type {PortalPort} from './types.js'

import {loginUi} from './login-ui.js'
import {ssoStatus} from './sso-status.js'

export interface LoginResult {
  /** false when a valid login (possibly renewed silently through the refresh grant) was already there */
  deviceFlow: boolean
  expiresAt: string
  region: string
  startUrl: string
}

export async function loginToStartUrl(
  target: {region: string; startUrl: string},
  options: {force?: boolean; noBrowser?: boolean},
  deps: {log: (message: string) => void; portal(region: string): Promise<PortalPort>; ssoLogin: SsoLogin},
): Promise<LoginResult> {
  const abort = new AbortController()
  const onSigint = () => abort.abort()
  process.once('SIGINT', onSigint)
  const ui = loginUi({openBrowser: !options.noBrowser && Boolean(process.stdin.isTTY && process.stderr.isTTY)})
  try {
    if (!options.force) {
      const status = await ssoStatus(target.startUrl, {portal: deps.portal, ssoLogin: deps.ssoLogin})
      if (status.loggedIn && status.expiresAt !== null) {
        const expiresAt = new Date(status.expiresAt).toISOString()
        deps.log(`Already logged in to ${target.startUrl} until ${expiresAt} (use --force to log in again).`)
        return {deviceFlow: false, expiresAt, region: target.region, startUrl: target.startUrl}
      }
    }

    const token = await deps.ssoLogin.login(target.startUrl, target.region, {signal: abort.signal, ui})
    ui.done()
    const expiresAt = new Date(token.expiresAt).toISOString()
    deps.log(`Logged in to ${target.startUrl}, valid until ${expiresAt}.`)
    return {deviceFlow: true, expiresAt, region: target.region, startUrl: target.startUrl}
  } finally {
    ui.done()
    process.removeListener('SIGINT', onSigint)
  }
}
