import {deleteStartUrlEntries, ssoStartUrlsInVault} from '../../vault/entries.js'
import {SecretStore} from '../../vault/secret-store.js'
import {awsErrorName, isUnreachable} from '../aws-errors.js'
import {SsoLogin} from './sso-login.js'
import {PortalPort} from './types.js'

export interface LogoutReport {
  /** why the token was not revoked server-side, when it was not */
  note: null | string
  /** true when sso:Logout accepted the token */
  revoked: boolean
  startUrl: string
  /** vault entries deleted (names only, never values) */
  wiped: string[]
}

/**
 * Logs out of one start URL: revokes the access token (and with it the refresh token) with sso:Logout, then
 * deletes the token, the client registration and every credential derived from that start URL. A token that is
 * already expired or revoked, or an AWS that cannot be reached, does not stop the wipe.
 */
export async function logoutStartUrl(
  startUrl: string,
  deps: {portal(region: string): Promise<PortalPort>; ssoLogin: SsoLogin; store: SecretStore},
): Promise<LogoutReport> {
  const token = await deps.ssoLogin.readToken(startUrl)
  let revoked = false
  let note: null | string = token ? null : 'no token was stored'
  if (token) {
    try {
      await (await deps.portal(token.region)).logout({accessToken: token.accessToken})
      revoked = true
    } catch (error) {
      const name = awsErrorName(error)
      if (name === 'UnauthorizedException') note = 'the token was already expired or revoked'
      else if (isUnreachable(error))
        note = `AWS could not be reached to revoke the token (${name || 'network error'}); it expires on its own`
      else note = `AWS refused to revoke the token (${name})`
    }
  }

  const wiped = await deleteStartUrlEntries(deps.store, startUrl)
  return {note, revoked, startUrl, wiped}
}

export async function logoutAll(deps: Parameters<typeof logoutStartUrl>[1]): Promise<LogoutReport[]> {
  const reports: LogoutReport[] = []
  for (const startUrl of await ssoStartUrlsInVault(deps.store)) reports.push(await logoutStartUrl(startUrl, deps))
  return reports
}
