import {Clock} from '../../lib/clock.js'
import {AwsRefusedError, NotLoggedInError} from '../../lib/errors.js'
import {awsErrorName, toTerraceError} from '../aws-errors.js'
import {ClientRegistration, DEVICE_GRANT, DeviceAuthorization, OidcPort, TokenGrant} from './types.js'

export interface PollEvents {
  /** called before each CreateToken poll, with the interval (ms) the next wait will use */
  onPoll?(attempt: number, intervalMs: number): void
  /** called when AWS asks terrace to slow down */
  onSlowDown?(intervalMs: number): void
}

/**
 * Polls CreateToken with the device-code grant until the user approves the code (RFC 8628 §3.4-3.5):
 * wait `interval` seconds between polls (default 5), add 5 s for every SlowDown, stop at the code's expiry.
 * Expired code -> exit 5, denied -> exit 6, Ctrl-C (signal) -> exit 130.
 */
export async function pollForToken(options: {
  authorization: DeviceAuthorization
  clock: Clock
  endpoint: string
  events?: PollEvents
  oidc: OidcPort
  registration: ClientRegistration
  signal?: AbortSignal
}): Promise<TokenGrant> {
  const {authorization, clock, events, oidc, registration, signal} = options
  let intervalMs = Math.max(1, authorization.interval ?? 5) * 1000
  const deadline = clock.now() + authorization.expiresIn * 1000
  const expired = () =>
    new NotLoggedInError(
      `The login code ${authorization.userCode} expired before it was approved (it was valid ${Math.round(authorization.expiresIn / 60)} min).`,
      {suggestion: 'Run `terrace aws sso login` again and approve the code in your browser before it expires.'},
    )
  for (let attempt = 1; ; attempt++) {
    await clock.sleep(intervalMs, signal)
    if (clock.now() >= deadline) throw expired()
    events?.onPoll?.(attempt, intervalMs)
    try {
      return await oidc.createToken({
        clientId: registration.clientId,
        clientSecret: registration.clientSecret,
        deviceCode: authorization.deviceCode,
        grantType: DEVICE_GRANT,
      })
    } catch (error) {
      switch (awsErrorName(error)) {
        case 'AccessDeniedException': {
          throw new AwsRefusedError(`The login request ${authorization.userCode} was denied in the browser.`, {
            suggestion: 'Run `terrace aws sso login` again and choose Allow.',
          })
        }

        case 'AuthorizationPendingException': {
          continue
        }

        case 'ExpiredTokenException': {
          throw expired()
        }

        case 'SlowDownException': {
          intervalMs += 5000
          events?.onSlowDown?.(intervalMs)
          continue
        }

        default: {
          throw toTerraceError(error, {endpoint: options.endpoint, what: 'waiting for the login to be approved'})
        }
      }
    }
  }
}
