import {createHash} from 'node:crypto'
import {join} from 'node:path'

import {Clock} from '../../lib/clock.js'
import {NotLoggedInError, TerraceError} from '../../lib/errors.js'
import {withLock} from '../../lib/lock.js'
import {ssoClientEntry, ssoTokenEntry} from '../../vault/entries.js'
import {SecretStore} from '../../vault/secret-store.js'
import {awsErrorName, endpointFor, toTerraceError} from '../aws-errors.js'
import {neededForSentence} from '../needed-for.js'
import {PollEvents, pollForToken} from './device-flow.js'
import {
  ClientRegistration,
  DEVICE_GRANT,
  DeviceAuthorization,
  OidcPort,
  REFRESH_GRANT,
  SSO_SCOPES,
  SsoToken,
  TokenGrant,
} from './types.js'

/** A token with less than this left is renewed before use. */
export const TOKEN_RENEW_MARGIN_MS = 5 * 60 * 1000
/** A client registration with less than this left is replaced. */
export const REGISTRATION_MARGIN_MS = 24 * 60 * 60 * 1000
const STARTING = 'starting the device authorization'

export interface SsoLoginDeps {
  clock: Clock
  env?: NodeJS.ProcessEnv
  /** directory holding the cross-process locks (TERRACE_HOME/cache/locks) */
  lockDir: string
  oidc(region: string): Promise<OidcPort>
  store: SecretStore
}

/** How fresh a token must be, and what it is for (named when there is no login: CredentialRequest.neededFor). */
export interface TokenRequest {
  /** a token with less than this left is renewed first; default TOKEN_RENEW_MARGIN_MS */
  marginMs?: number
  neededFor?: string
}

export interface LoginUi extends PollEvents {
  /** the device code is ready: show it, open the browser */
  onCode(authorization: DeviceAuthorization): void
}

/**
 * The SSO identity for one start URL: device-flow login, the stored token, silent renewal through the refresh
 * grant (single-flight across processes: refresh tokens rotate, so two processes renewing at once must not both
 * spend the same refresh token).
 */
export class SsoLogin {
  constructor(private readonly deps: SsoLoginDeps) {}

  /**
   * A usable access token: the stored one if it has more than `marginMs` left, else renewed through the refresh
   * grant. Throws NotLoggedInError (exit 5) naming the login command, and what the token was `neededFor`, when
   * neither works.
   */
  async accessToken(startUrl: string, request: TokenRequest = {}): Promise<SsoToken> {
    const marginMs = request.marginMs ?? TOKEN_RENEW_MARGIN_MS
    const token = await this.readToken(startUrl)
    if (token && this.isFresh(token, marginMs)) return token
    if (!token) throw notLoggedIn(startUrl, 'missing', request.neededFor)
    return this.renew(startUrl, {marginMs, neededFor: request.neededFor})
  }

  /**
   * Runs the device flow (registering the client first when no unexpired registration is stored) and stores the
   * new token. Whether a login is needed at all is ssoStatus's question.
   */
  async login(startUrl: string, region: string, options: {signal?: AbortSignal; ui: LoginUi}): Promise<SsoToken> {
    const oidc = await this.deps.oidc(region)
    const endpoint = endpointFor('sso_oidc', region, this.deps.env)
    let registration = await this.registration(startUrl, region, oidc)
    let authorization: DeviceAuthorization
    try {
      authorization = await this.startDeviceAuthorization(oidc, registration, startUrl)
    } catch (error) {
      // The identity center forgot the registration (revoked, or a restarted sandbox): register again, once.
      if (awsErrorName(error) !== 'InvalidClientException') throw toTerraceError(error, {endpoint, what: STARTING})
      registration = await this.registration(startUrl, region, oidc, {replace: true})
      try {
        authorization = await this.startDeviceAuthorization(oidc, registration, startUrl)
      } catch (retryError) {
        throw toTerraceError(retryError, {endpoint, what: STARTING})
      }
    }

    options.ui.onCode(authorization)
    const grant = await pollForToken({
      authorization,
      clock: this.deps.clock,
      endpoint,
      events: options.ui,
      oidc,
      registration,
      signal: options.signal,
    })
    const token = this.tokenFrom(grant, startUrl, region)
    await this.deps.store.set(ssoTokenEntry(startUrl), JSON.stringify(token))
    return token
  }

  async readToken(startUrl: string): Promise<SsoToken | undefined> {
    const raw = await this.deps.store.get(ssoTokenEntry(startUrl))
    if (!raw) return undefined
    try {
      return JSON.parse(raw) as SsoToken
    } catch {
      return undefined
    }
  }

  /**
   * AWS refused `rejected` (UnauthorizedException) although it had not reached its expiry: renew it through the
   * refresh grant. When several processes see the same refusal, the first renews and the others get its token.
   */
  async renewRejected(startUrl: string, rejected: string, neededFor?: string): Promise<SsoToken> {
    return this.renew(startUrl, {marginMs: 0, neededFor, rejected})
  }

  private isFresh(token: SsoToken, marginMs: number): boolean {
    return token.expiresAt - marginMs > this.deps.clock.now()
  }

  /**
   * The stored client registration for this start URL, or a new one when missing, about to expire, or `replace`d
   * (AWS no longer knows the stored one).
   */
  private async registration(
    startUrl: string,
    region: string,
    oidc: OidcPort,
    options: {replace?: boolean} = {},
  ): Promise<ClientRegistration> {
    const entry = ssoClientEntry(startUrl, region)
    const raw = options.replace ? undefined : await this.deps.store.get(entry)
    if (raw) {
      const stored = JSON.parse(raw) as ClientRegistration
      if (stored.expiresAt - REGISTRATION_MARGIN_MS > this.deps.clock.now()) return stored
    }

    let out
    try {
      out = await oidc.registerClient({
        clientName: `terrace-${createHash('sha256').update(startUrl).digest('hex').slice(0, 8)}`,
        clientType: 'public',
        grantTypes: [DEVICE_GRANT, REFRESH_GRANT],
        scopes: SSO_SCOPES,
      })
    } catch (error) {
      throw toTerraceError(error, {
        endpoint: endpointFor('sso_oidc', region, this.deps.env),
        what: 'registering terrace with IAM Identity Center',
      })
    }

    const registration: ClientRegistration = {
      clientId: out.clientId,
      clientSecret: out.clientSecret,
      // clientSecretExpiresAt is in epoch seconds; AWS registrations last about 90 days
      expiresAt: out.clientSecretExpiresAt ? out.clientSecretExpiresAt * 1000 : this.deps.clock.now() + 89 * 86_400_000,
      region,
      scopes: SSO_SCOPES,
    }
    await this.deps.store.set(entry, JSON.stringify(registration))
    return registration
  }

  /** Refresh-grant renewal under a per-start-URL lock; re-reads after acquiring it (another process may have won). */
  private async renew(
    startUrl: string,
    request: {marginMs: number; neededFor?: string; rejected?: string},
  ): Promise<SsoToken> {
    const {marginMs, neededFor, rejected} = request
    const lockPath = join(
      this.deps.lockDir,
      `sso-${createHash('sha256').update(startUrl).digest('hex').slice(0, 16)}.lock`,
    )
    return withLock(lockPath, async () => {
      const token = await this.readToken(startUrl)
      if (!token) throw notLoggedIn(startUrl, 'missing', neededFor)
      if (token.accessToken !== rejected && this.isFresh(token, marginMs)) return token
      if (!token.refreshToken) throw notLoggedIn(startUrl, 'expired', neededFor)
      const rawRegistration = await this.deps.store.get(ssoClientEntry(startUrl, token.region))
      if (!rawRegistration) throw notLoggedIn(startUrl, 'expired', neededFor)
      const registration = JSON.parse(rawRegistration) as ClientRegistration
      const oidc = await this.deps.oidc(token.region)
      let grant: TokenGrant
      try {
        grant = await oidc.createToken({
          clientId: registration.clientId,
          clientSecret: registration.clientSecret,
          grantType: REFRESH_GRANT,
          refreshToken: token.refreshToken,
        })
      } catch (error) {
        const name = awsErrorName(error)
        if (name === 'InvalidClientException') {
          // The refresh token belongs to a registration AWS forgot: no refresh can work any more. Drop the stale
          // registration so the next login registers anew.
          await this.deps.store.delete(ssoClientEntry(startUrl, token.region))
          throw new NotLoggedInError(
            neededForSentence(
              `Your SSO login for ${startUrl} can no longer be renewed: IAM Identity Center no longer knows terrace's client registration (InvalidClientException).`,
              neededFor,
            ),
            {suggestion: 'Run `terrace aws sso login` to log in again; terrace registers itself anew.'},
          )
        }

        if (['ExpiredTokenException', 'InvalidGrantException', 'UnauthorizedClientException'].includes(name)) {
          throw notLoggedIn(startUrl, 'expired', neededFor)
        }

        throw toTerraceError(error, {
          endpoint: endpointFor('sso_oidc', token.region, this.deps.env),
          what: 'renewing the SSO token',
        })
      }

      const renewed = this.tokenFrom(grant, startUrl, token.region, token.refreshToken)
      await this.deps.store.set(ssoTokenEntry(startUrl), JSON.stringify(renewed))
      return renewed
    })
  }

  private async startDeviceAuthorization(
    oidc: OidcPort,
    registration: ClientRegistration,
    startUrl: string,
  ): Promise<DeviceAuthorization> {
    return oidc.startDeviceAuthorization({
      clientId: registration.clientId,
      clientSecret: registration.clientSecret,
      startUrl,
    })
  }

  private tokenFrom(grant: TokenGrant, startUrl: string, region: string, previousRefresh?: string): SsoToken {
    const now = this.deps.clock.now()
    return {
      accessToken: grant.accessToken,
      expiresAt: now + grant.expiresIn * 1000,
      obtainedAt: now,
      refreshToken: grant.refreshToken ?? previousRefresh,
      region,
      startUrl,
    }
  }
}

function notLoggedIn(startUrl: string, why: 'expired' | 'missing', neededFor: string | undefined): TerraceError {
  return new NotLoggedInError(
    neededForSentence(
      why === 'missing' ? `You are not logged in to ${startUrl}.` : `Your SSO login for ${startUrl} has expired.`,
      neededFor,
    ),
    {suggestion: 'Run `terrace aws sso login` to log in.'},
  )
}
