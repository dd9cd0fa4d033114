import type {Clock} from '../../lib/clock.js'
import type {RoleRef} from '../../lib/role-refs.js'
import type {AwsCredentials, CredentialRequest, CredentialSource} from './types.js'

import {isFresh} from './ttl.js'

interface Freshness {
  clock: Clock
  ttlMs: number
}

/** The same cache entry (same key, obtained at the same time) as the one a request already saw. */
const sameCredentials = (a: AwsCredentials, b: AwsCredentials | undefined): boolean =>
  b !== undefined && a.accessKeyId === b.accessKeyId && a.obtainedAt === b.obtainedAt

/**
 * Inside a role's lock: may the cached credentials be used instead of calling AWS? Fresh ones may, unless the
 * request forces a refresh; then only credentials another process stored after this request saw the cache do
 * (so forced refreshes that overlap make one call).
 */
export function usableAfterLock(
  cached: AwsCredentials | undefined,
  seen: AwsCredentials | undefined,
  force: boolean,
  deps: Freshness,
): cached is AwsCredentials {
  if (!cached || !isFresh(cached, deps.clock.now(), deps.ttlMs)) return false
  return !force || !sameCredentials(cached, seen)
}

/**
 * A CredentialSource answering from the vault cache while it is fresh, and otherwise running `refresh` (which takes
 * the cross-process lock) at most once at a time per key within this process.
 */
export function singleFlightSource<R extends RoleRef>(
  deps: Freshness,
  options: {
    key(ref: R): string
    read(ref: R): Promise<AwsCredentials | undefined>
    refresh(
      ref: R,
      force: boolean,
      seen: AwsCredentials | undefined,
      request: CredentialRequest,
    ): Promise<AwsCredentials>
  },
): CredentialSource<R> {
  const inFlight = new Map<string, Promise<AwsCredentials>>()
  return {
    async get(ref, getOptions = {}) {
      const force = Boolean(getOptions.forceRefresh)
      const key = `${force}|${options.key(ref)}`
      const pending = inFlight.get(key)
      if (pending) return pending
      const cached = await options.read(ref)
      if (!force && cached && isFresh(cached, deps.clock.now(), deps.ttlMs)) return cached
      let running = inFlight.get(key)
      if (!running) {
        running = options.refresh(ref, force, cached, getOptions).finally(() => inFlight.delete(key))
        inFlight.set(key, running)
      }

      return running
    },
  }
}
