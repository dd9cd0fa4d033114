import {ExitCode, NotLoggedInError, type TerraceError} from '../../lib/errors.js'
import {deleteStartUrlEntries, ssoStartUrlsInVault} from '../../vault/entries.js'
import {SecretStore} from '../../vault/secret-store.js'
import {awsErrorName, endpointFor, isUnreachable, networkCause} from '../aws-errors.js'
import {SsoLogin} from './sso-login.js'
import {PortalPort, SsoToken} from './types.js'

export interface LogoutReport {
  /**
   * when the sign-in session could not be ended at AWS: what stays valid and why, with the exit code the
   * command ends with (9 AWS unreachable, 6 AWS refused); null when it was ended (or there was none)
   */
  failure: null | {exitCode: number; message: string}
  /** why the token was not revoked server-side, when it was not */
  note: null | string
  /** true when sso:Logout accepted a token of the session (the access token, or one renewed for the purpose) */
  revoked: boolean
  startUrl: string
  /** vault entries deleted (names only, never values) */
  wiped: string[]
}

type LogoutDeps = {
  env?: NodeJS.ProcessEnv
  portal(region: string): Promise<PortalPort>
  ssoLogin: SsoLogin
  store: SecretStore
}

/**
 * Logs out of one start URL: ends the sign-in session at AWS with sso:Logout, which revokes the access token and
 * the refresh tokens of the same login, then deletes the token, the client registration and every credential
 * derived from that start URL. An access token that expired or was revoked cannot call sso:Logout while its
 * refresh token may still work: it is renewed first and the renewed token logs out. Failing to end the session
 * (AWS unreachable or refusing) does not stop the local wipe, but the report says what stays valid.
 */
export async function logoutStartUrl(startUrl: string, deps: LogoutDeps): Promise<LogoutReport> {
  const token = await deps.ssoLogin.readToken(startUrl)
  const ended = token ? await endSession(startUrl, token, deps) : {note: 'no token was stored', revoked: false}
  const wiped = await deleteStartUrlEntries(deps.store, startUrl)
  return {failure: null, ...ended, startUrl, wiped}
}

async function endSession(
  startUrl: string,
  token: SsoToken,
  deps: LogoutDeps,
): Promise<Pick<LogoutReport, 'failure' | 'note' | 'revoked'>> {
  const endpoint = endpointFor('sso', token.region, deps.env)
  const cannotEnd = (error: unknown, what: string) => ({
    failure: sessionStillValid({endpoint, error, startUrl, token, what}),
    note: `the sign-in session could not be ended: ${what}`,
    revoked: false,
  })
  const first = await tryLogout(deps, token)
  if (first === 'ok') return {failure: null, note: null, revoked: true}
  if (first !== 'unauthorized') return cannotEnd(first, describe(first))

  // The access token is expired or revoked; its refresh token may not be. Renew, then log out with the new token.
  if (!token.refreshToken) return {failure: null, note: 'the token was already expired or revoked', revoked: false}
  let renewed: SsoToken
  try {
    renewed = await deps.ssoLogin.renewRejected(startUrl, token.accessToken)
  } catch (error) {
    if (error instanceof NotLoggedInError)
      return {failure: null, note: 'the token and its refresh token were already expired or revoked', revoked: false}
    return cannotEnd(error, `renewing the token to log out failed (${describeTyped(error)})`)
  }

  const second = await tryLogout(deps, renewed)
  if (second === 'ok') return {failure: null, note: null, revoked: true}
  if (second === 'unauthorized') return cannotEnd(second, 'AWS refused the renewed token at sso:Logout')
  return cannotEnd(second, describe(second))
}

async function tryLogout(deps: LogoutDeps, token: SsoToken): Promise<'ok' | 'unauthorized' | unknown> {
  try {
    await (await deps.portal(token.region)).logout({accessToken: token.accessToken})
    return 'ok'
  } catch (error) {
    return awsErrorName(error) === 'UnauthorizedException' ? 'unauthorized' : error
  }
}

function describe(error: unknown): string {
  if (isUnreachable(error)) return `AWS could not be reached (${networkCause(error) ?? awsErrorName(error)})`
  return `AWS refused sso:Logout (${awsErrorName(error) || String(error)})`
}

function describeTyped(error: unknown): string {
  return (error as Error)?.message ?? String(error)
}

/** The failure the command ends with: names what remains valid at AWS and until when it may be used. */
function sessionStillValid(context: {
  endpoint: string
  error: unknown
  startUrl: string
  token: SsoToken
  what: string
}): {exitCode: number; message: string} {
  const {endpoint, error, startUrl, token, what} = context
  const unreachable = (error as TerraceError)?.exitCode === ExitCode.AwsUnreachable || isUnreachable(error)
  const remains = token.refreshToken
    ? 'its refresh token stays valid at AWS until it expires (up to 90 days), and the access token until ' +
      new Date(token.expiresAt).toISOString()
    : `its access token stays valid at AWS until ${new Date(token.expiresAt).toISOString()}`
  const exitCode = unreachable ? ExitCode.AwsUnreachable : ExitCode.AwsRefused
  return {
    exitCode,
    message:
      `The sign-in session of ${startUrl} was NOT ended at AWS (${endpoint}): ${what}. ${remains}. ` +
      'They were deleted from this machine; anyone holding a copy could still use them. ' +
      'To end the session, sign out in the AWS access portal, or have an administrator revoke it in IAM Identity Center.',
  }
}

export async function logoutAll(deps: LogoutDeps): Promise<LogoutReport[]> {
  const reports: LogoutReport[] = []
  for (const startUrl of await ssoStartUrlsInVault(deps.store)) reports.push(await logoutStartUrl(startUrl, deps))
  return reports
}
