import type {AwsCredentials} from './types.js'

import {terraceEnv} from '../../lib/terrace-env.js'

export {MAX_CREDENTIAL_TTL_SECONDS} from '../../lib/terrace-env.js'

/** Credentials are replaced this long before their TTL or AWS expiry ends (less for short test TTLs). */
export const MAX_RENEW_MARGIN_MS = 2 * 60 * 1000

/**
 * How old cached role credentials may be when handed out: min(TERRACE_CREDENTIAL_TTL seconds, 1800) in ms.
 * Unset or empty: 1800 s. Anything but a positive whole number of seconds is a ConfigError (exit 4).
 */
export function credentialTtlMs(env: NodeJS.ProcessEnv): number {
  return terraceEnv(env).credentialTtlSeconds() * 1000
}

/** How long before the end of their life credentials count as stale: 2 minutes, or 10 % of a short TTL. */
export function renewMarginMs(ttlMs: number): number {
  return Math.min(MAX_RENEW_MARGIN_MS, Math.floor(ttlMs / 10))
}

/** True when cached credentials may be handed out now: younger than the TTL and not close to AWS's expiry. */
export function isFresh(creds: AwsCredentials, now: number, ttlMs: number): boolean {
  const margin = renewMarginMs(ttlMs)
  return now - creds.obtainedAt < ttlMs - margin && creds.expiration - now > margin
}

/**
 * The Expiration terrace reports with credentials (credential_process JSON, container endpoint): the earlier of
 * AWS's expiry and the end of the TTL, so SDKs ask again before the credentials are older than the TTL.
 */
export function handedOutExpiration(creds: AwsCredentials, ttlMs: number): number {
  return Math.min(creds.expiration, creds.obtainedAt + ttlMs)
}

/**
 * How credentials of this TTL are handed out by a broker: the Expiration it reports with them (handedOutExpiration),
 * and how long before then it renews them: half a stale-margin, well before they are handed out expired.
 */
export function handOutTiming(ttlMs: number): {expirationOf(creds: AwsCredentials): number; renewLeadMs: number} {
  return {
    expirationOf: (creds) => handedOutExpiration(creds, ttlMs),
    renewLeadMs: Math.max(1000, Math.floor(renewMarginMs(ttlMs) / 2)),
  }
}
