import {NotLoggedInError} from '../../lib/errors.js'
import {awsErrorName, isUnreachable} from '../aws-errors.js'
import {SsoLogin} from './sso-login.js'
import {PortalPort, SsoToken} from './types.js'
import {withSsoToken} from './with-sso-token.js'

export interface SsoStatus {
  expiresAt: null | number
  loggedIn: boolean
  refreshable: boolean
  region: null | string
  startUrl: string
  /** true when AWS confirmed the token; false when AWS could not be reached (the answer is from the vault only) */
  verified: boolean
}

/**
 * Whether the login for a start URL works: the stored token, renewed silently when it expired (refresh grant),
 * and checked with AWS (one ListAccounts call), since a token can be revoked before its expiry.
 */
export async function ssoStatus(
  startUrl: string,
  deps: {portal(region: string): Promise<PortalPort>; ssoLogin: SsoLogin},
): Promise<SsoStatus> {
  const stored = await deps.ssoLogin.readToken(startUrl)
  const result = (token: SsoToken | undefined, loggedIn: boolean, verified: boolean): SsoStatus => ({
    expiresAt: token?.expiresAt ?? null,
    loggedIn,
    refreshable: Boolean(token?.refreshToken),
    region: token?.region ?? null,
    startUrl,
    verified,
  })
  if (!stored) return result(undefined, false, true)
  let token: SsoToken
  try {
    token = await deps.ssoLogin.accessToken(startUrl, {marginMs: 0})
  } catch (error) {
    if (error instanceof NotLoggedInError) return result(stored, false, true)
    throw error
  }

  const portal = await deps.portal(token.region)
  // the call's own outcome, except a rejected token, which withSsoToken renews once and retries
  const check = async (current: SsoToken): Promise<SsoStatus> => {
    token = current
    try {
      await portal.listAccounts({accessToken: current.accessToken, maxResults: 1})
      return result(current, true, true)
    } catch (error) {
      if (isUnreachable(error)) return result(current, true, false)
      if (awsErrorName(error) === 'UnauthorizedException') throw error
      return result(current, false, true)
    }
  }

  try {
    return await withSsoToken(deps.ssoLogin, startUrl, check, {token})
  } catch (error) {
    if (error instanceof NotLoggedInError || awsErrorName(error) === 'UnauthorizedException') {
      return result(token, false, true)
    }

    throw error
  }
}
