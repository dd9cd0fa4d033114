/**
 * The SSO token's renew-and-retry, in one place: a portal call (GetRoleCredentials, ListAccounts, …) made with the
 * login's access token. When AWS rejects the token (UnauthorizedException) although it had not reached its expiry,
 * it is renewed once through the refresh grant (SsoLogin.renewRejected) and the call made once more; a second
 * rejection, a failed renewal and every other error propagate unchanged.
 */
import type {SsoLogin} from './sso-login.js'
import type {SsoToken} from './types.js'

import {awsErrorName} from '../aws-errors.js'

export async function withSsoToken<T>(
  login: Pick<SsoLogin, 'accessToken' | 'renewRejected'>,
  startUrl: string,
  call: (token: SsoToken) => Promise<T>,
  options: {
    /** what the token is for, named when there is no login (CredentialRequest.neededFor) */
    neededFor?: string
    /** a token the caller already holds (else the login's current one) */
    token?: SsoToken
  } = {},
): Promise<T> {
  const {neededFor} = options
  const token = options.token ?? (await login.accessToken(startUrl, {neededFor}))
  try {
    return await call(token)
  } catch (error) {
    if (awsErrorName(error) !== 'UnauthorizedException') throw error
  }

  return call(await login.renewRejected(startUrl, token.accessToken, neededFor))
}
