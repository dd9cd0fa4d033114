import type {ProfileBinding} from '../../lib/role-refs.js'
import type {AwsCredentials, CredentialSource} from './types.js'

import {exitCodeOf} from '../../lib/errors.js'
import {mapPool} from '../../lib/worker-pool.js'

/** What `terrace aws sso refresh` reports per role (never the keys). */
export interface RoleRefreshResult {
  account: null | string
  accountId: string
  /** set when this role failed: its exit code and message */
  error?: {code: number; message: string}
  /** ISO time the handed-out credentials stop (min of AWS expiry and obtainedAt + TTL) */
  expiresAt: null | string
  /** ISO time terrace obtained the credentials */
  obtainedAt: null | string
  profile: string
  /** true when fresh credentials were fetched now, false when the cache was still fresh */
  renewed: boolean
  role: string
}

export interface RefreshRolesOptions {
  bindings: readonly ProfileBinding[]
  /** how many roles are fetched at once (default 4) */
  concurrency?: number
  /** handedOutExpiration bound to the TTL */
  expiresAt(creds: AwsCredentials): number
  force: boolean
  now(): number
  /** told after each role ends: (done, total) */
  onProgress?(done: number, total: number): void
  source: CredentialSource
}

/**
 * Renews (force) or tops up (only stale ones) the credentials of every binding, a few at a time. One role's
 * failure does not stop the others; it is reported in its result.
 */
export async function refreshRoles(options: RefreshRolesOptions): Promise<RoleRefreshResult[]> {
  const {bindings} = options
  const task = async ({name, ref}: ProfileBinding): Promise<RoleRefreshResult> => {
    const base = {account: ref.account, accountId: ref.accountId, profile: name, role: ref.role}
    const started = options.now()
    try {
      const creds = await options.source.get(ref, {forceRefresh: options.force})
      return {
        ...base,
        expiresAt: new Date(options.expiresAt(creds)).toISOString(),
        obtainedAt: new Date(creds.obtainedAt).toISOString(),
        renewed: creds.obtainedAt >= started,
      }
    } catch (error) {
      return {
        ...base,
        error: {code: exitCodeOf(error), message: (error as Error).message},
        expiresAt: null,
        obtainedAt: null,
        renewed: false,
      }
    }
  }

  return mapPool(bindings, options.concurrency ?? 4, task, options.onProgress)
}
